"""Filling the demo's text templates (``data.py``) with a product's names, shared by the KOL and
the engagement generators so that a question reads the same wherever it is asked."""

from __future__ import annotations

import random
from collections.abc import Sequence

from kolbridge.demo.data import ProductSpec


def in_sentence(indication: str) -> str:
    """Lower-case an indication's first letter unless it starts an acronym (EGFR, NYHA)."""
    if len(indication) > 1 and indication[1].islower():
        return indication[0].lower() + indication[1:]
    return indication


def draw_question(
    rng: random.Random, spec: ProductSpec, templates: Sequence[tuple[str, str]]
) -> tuple[str, str]:
    """A (question, answer) about ``spec`` from ``templates``; a template about an unapproved
    use is drawn only for a product that has one."""
    off_label = [i.name for i in spec.indications if i.approved_on is None]
    fitting = [t for t in templates if off_label or "{off_label}" not in t[0]]
    question, answer = rng.choice(fitting)
    words = {
        "generic": spec.generic_name,
        "brand": spec.name,
        "off_label": in_sentence(rng.choice(off_label)) if off_label else "",
    }
    return question.format(**words), answer.format(**words)
