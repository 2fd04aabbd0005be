"""Standard responses are rich text written in the app; only a small, safe set of tags is kept
(nh3 removes scripts, event handlers and styles), so the public viewer can show it as is."""

from __future__ import annotations

import nh3

TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "b",
    "i",
    "u",
    "ul",
    "ol",
    "li",
    "h3",
    "h4",
    "blockquote",
    "sup",
    "sub",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "a",
}
ATTRIBUTES = {"a": {"href", "title"}}


def clean_rich_text(html: str) -> str:
    return nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes={"https", "http", "mailto"},
        link_rel="noopener noreferrer",
    ).strip()
