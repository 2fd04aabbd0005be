"""References that back a claim: a PubMed id or a DOI, normalised and checked for shape."""

from __future__ import annotations

import re
from typing import Any

PMID = re.compile(r"^[1-9]\d{0,8}$")
DOI = re.compile(r"^10\.\d{4,9}/\S+$")


def parse_reference(raw: str) -> dict[str, str]:
    """``"PMID: 31535829"``, ``"31535829"``, ``"doi:10.1056/NEJMoa1911303"`` or a doi.org URL
    become ``{"type": ..., "value": ...}``; anything else raises ValueError."""
    text = raw.strip()
    lowered = text.lower()
    for prefix in (
        "https://doi.org/",
        "http://doi.org/",
        "https://dx.doi.org/",
        "http://dx.doi.org/",
        "doi:",
    ):
        if lowered.startswith(prefix):
            text = text[len(prefix) :].strip()
            lowered = text.lower()
            break
    if lowered.startswith("pmid"):
        text = text[4:].lstrip(": ").strip()
        if PMID.match(text):
            return {"type": "pmid", "value": text}
        raise ValueError(f"“{raw}” is not a PubMed id (digits only, e.g. PMID: 31535829).")
    if PMID.match(text):
        return {"type": "pmid", "value": text}
    if DOI.match(text):
        return {"type": "doi", "value": text}
    raise ValueError(
        f"“{raw}” is neither a PubMed id (e.g. 31535829) nor a DOI (e.g. 10.1056/NEJMoa1911303)."
    )


def format_reference(ref: dict[str, Any]) -> str:
    return f"PMID {ref['value']}" if ref.get("type") == "pmid" else f"doi:{ref.get('value')}"


def reference_url(ref: dict[str, Any]) -> str:
    if ref.get("type") == "pmid":
        return f"https://pubmed.ncbi.nlm.nih.gov/{ref['value']}/"
    return f"https://doi.org/{ref.get('value')}"
