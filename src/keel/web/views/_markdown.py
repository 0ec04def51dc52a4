"""Markdown to safe HTML for descriptions and comments (rendered, then cleaned with nh3)."""

from __future__ import annotations

import re
from collections.abc import Iterable

import markdown
import nh3
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

__all__ = ["markdown_safe"]

_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5",
    "h6", "hr", "i", "li", "ol", "p", "pre", "strong", "sub", "sup", "table", "tbody", "td",
    "th", "thead", "tr", "ul",
}  # fmt: skip
_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "td": {"align"}, "th": {"align"}}
_URL_SCHEMES = {"http", "https", "mailto"}


def markdown_safe(text: str, mentions: Iterable[str] = (), mention_url: str = "") -> SafeString:
    """``text`` as HTML with only allow-listed tags and attributes; scripts, event handlers and
    ``javascript:`` links do not survive. ``@name`` of each name in ``mentions`` links to
    ``mention_url#member-name``."""
    html = markdown.markdown(text or "", extensions=["fenced_code", "tables"])
    clean = nh3.clean(html, tags=_TAGS, attributes=_ATTRIBUTES, url_schemes=_URL_SCHEMES)
    for name in mentions:
        pattern = re.compile(r"(?<![\w@.+-])@" + re.escape(escape(name)) + r"(?![\w])")
        link = f'<a class="mention" href="{mention_url}#member-{escape(name)}">@{escape(name)}</a>'
        clean = pattern.sub(lambda _m, link=link: link, clean)
    return mark_safe(clean)  # noqa: S308 - cleaned by nh3 above
