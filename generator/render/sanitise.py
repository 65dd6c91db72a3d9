"""Entry bodies, cleaned: the HTML MkDocs renders from them, through an allowlist.

The second of two layers (the first refuses unsafe addresses at check time,
``generator.check.unsafe``). The HTML is cleaned through nh3, a binding of the
Rust sanitiser ammonia: what the check missed is dropped before a reader sees
it. Editorial pages (content/*.md outside the entries folder) are the
project's own and are not cleaned. It lives in ``render`` because the table of
contents it escapes is MkDocs'.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

import nh3
from mkdocs.structure.toc import AnchorLink

ALLOWED_TAGS = frozenset({
    "h1", "h2", "h3", "h4", "h5", "h6", "p", "br", "hr", "a", "em", "strong", "b", "i",
    "u", "s", "del", "ins", "mark", "small", "sub", "sup", "abbr", "cite", "q", "code",
    "pre", "kbd", "samp", "blockquote", "ul", "ol", "li", "dl", "dt", "dd", "table",
    "thead", "tbody", "tfoot", "tr", "th", "td", "caption", "img", "figure",
    "figcaption", "div", "span",
})
"""What Markdown (toc, attr_list, admonition, tables) produces, and plain text markup."""
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    # id: headings' anchors; class: admonitions, the toc's headerlink, attr_list's
    # classes (they reach only the site's own stylesheet).
    "*": {"id", "class", "title", "lang"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "ol": {"start"},
    # style: the tables extension aligns columns with it (only text-align is kept,
    # and it becomes a class: the CSP refuses style attributes).
    "th": {"style", "colspan", "rowspan"},
    "td": {"style", "colspan", "rowspan"},
}
ALLOWED_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
"""Schemes kept in href and src; relative addresses (the site's own pages) are kept too."""
EXTERNAL_REL = "noopener ugc"
"""The rel of links out of the site: contributed content, vouched for by review, not by us."""

_CLEANER = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    clean_content_tags={"script", "style"},
    attributes=ALLOWED_ATTRIBUTES,
    url_schemes=set(ALLOWED_SCHEMES),
    link_rel=None,  # set below on external links only
    strip_comments=True,  # the entry template's hints are comments
    filter_style_properties={"text-align"},
)
_ALIGN = re.compile(r'\sstyle="text-align:\s*(left|right|center|justify)\s*;?\s*"')
_EMPTY_STYLE = re.compile(r'\sstyle="\s*"')
# The cleaner serialises every attribute value in double quotes, with " escaped.
_LINK = re.compile(r"<a((?:\s+[^\s=>/]+(?:=\"[^\"]*\")?)*)\s*>")
_HREF = re.compile(r"\shref=\"([^\"]*)\"")
_EXTERNAL = re.compile(r"^(?:https?:)?//", re.IGNORECASE)
_TAG = re.compile(r"<([a-zA-Z][^\s/>]*)((?:\s+[^\s=>/]+(?:=\"[^\"]*\")?)*)(\s*/?>)")
_ATTRIBUTE = re.compile(r"\s+([^\s=>/]+)(?:=\"([^\"]*)\")?")
_NAMING = frozenset({"id", "for"})


def _without_materials_names(tag: re.Match[str]) -> str:
    # Material finds its settings and controls by id (`__config` is JSON.parse'd
    # from the first element with that id, and the body comes first): a body
    # must not take an id, or point a label at one, that starts with "__".
    # Done on nh3's output rather than in its attribute_filter: a Python
    # callback from Rust swallows a Ctrl-C that lands in it.
    attributes = tag.group(2)
    if "__" not in attributes:
        return tag.group(0)
    kept = "".join(
        a.group(0) for a in _ATTRIBUTE.finditer(attributes)
        if not (a.group(1).lower() in _NAMING
                and html.unescape(a.group(2) or "").lstrip().startswith("__")))
    return f"<{tag.group(1)}{kept}{tag.group(3)}"


def _with_rel(link: re.Match[str]) -> str:
    href = _HREF.search(link.group(1))
    if href is None or not _EXTERNAL.match(html.unescape(href.group(1)).strip()):
        return link.group(0)
    return f'<a{link.group(1)} rel="{EXTERNAL_REL}">'


def clean_body(content: str) -> str:
    """The HTML of an entry body, with everything but the allowlist removed.

    Scripts, styles, event handlers, frames, forms, objects and comments go;
    addresses other than http(s), mailto, tel and relative ones are dropped;
    links out of the site get ``rel="noopener ugc"``.
    """
    cleaned = _CLEANER.clean(content)
    if "__" in cleaned:
        cleaned = _TAG.sub(_without_materials_names, cleaned)
    # A table column's alignment: a class of the site's stylesheet, not a style
    # attribute, which the Content-Security-Policy (style-src 'self') refuses.
    cleaned = _EMPTY_STYLE.sub("", _ALIGN.sub(r' class="dvk-align-\1"', cleaned))
    return _LINK.sub(_with_rel, cleaned)


def safe_toc(toc: Iterable[AnchorLink]) -> None:
    """Escape the anchor ids of a page's table of contents, in place.

    attr_list lets a heading's id hold a quote, and Material prints the toc's
    links without escaping them: ``{: id='x" onmouseover="…' }`` would add an
    attribute to the link in the sidebar, which the body's cleaning never sees.
    """
    for anchor in toc:
        if any(c in anchor.id for c in "\"'<>"):
            anchor.id = html.escape(anchor.id)
        safe_toc(anchor.children)
