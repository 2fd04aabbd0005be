"""KOL search by word prefixes over name, specialty, institution and city.

Each KOL's words are kept as lower-case, accent-free tokens in ``KolSearchToken``; a query word
matches a KOL when one of its tokens starts with it. The lookup is an index range scan
(``token >= prefix AND token < next``), which SQLite and PostgreSQL both serve from a plain
B-tree, instead of a scan of every profile per keystroke.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any

# Tokens hold only these characters, in this order: it is the order of SQLite's binary
# collation and of the first level of PostgreSQL's locale collations alike, so the range
# bound computed by ``prefix_upper_bound`` is right on both.
ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"
_NOT_TOKEN = re.compile(r"[^0-9a-z]+")
MAX_TOKEN_LENGTH = 40


def tokens_of(text: str) -> list[str]:
    """The search tokens of a text: lower case, accents removed, split on anything else."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return [t[:MAX_TOKEN_LENGTH] for t in _NOT_TOKEN.split(folded) if t]


def kol_tokens(kol: Any) -> set[str]:
    """Every token a KOL can be found by."""
    parts: Iterable[str] = (
        kol.first_name,
        kol.last_name,
        kol.specialty,
        kol.institution,
        kol.department,
        kol.city,
    )
    return {token for part in parts if part for token in tokens_of(part)}


def prefix_upper_bound(prefix: str) -> str | None:
    """The smallest token-alphabet string greater than every string that starts with
    ``prefix``; None when there is none (the prefix is all 'z')."""
    chars = list(prefix)
    while chars:
        position = ALPHABET.index(chars[-1])
        if position + 1 < len(ALPHABET):
            chars[-1] = ALPHABET[position + 1]
            return "".join(chars)
        chars.pop()
    return None


def query_prefixes(q: str) -> list[str]:
    """The prefixes a query asks for, each to be matched by some token of the KOL."""
    return list(dict.fromkeys(tokens_of(q)))
