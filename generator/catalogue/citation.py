"""How an entry page is cited: Vietnamese convention, APA 7, BibTeX, CSL-JSON, RIS, JSON-LD.

The access date is the reader's, not the build's: in the page it is a blank
(``ACCESS_*`` below) that the page's script fills with today's date where the
reader is, and that a reader without JavaScript fills by hand. The downloads
(CSL-JSON, RIS) carry no access date at all; reference managers add their own.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from dataclasses import dataclass, field
from typing import Any

from generator.core import urls
from generator.core.model import Entry, Image, Source
from generator.core.press import PressRecord
from generator.core.settings import SiteInfo

ACCESS_VI, ACCESS_EN, ACCESS_ISO = "\x00vi\x00", "\x00en\x00", "\x00iso\x00"
"""Where the access date goes in a citation's text, in each style's date format."""
URL_MARK = "\x00url\x00"
"""Where the page's URL goes, when the build does not know the site's address."""
BLANK = "……"
"""What a reader without JavaScript sees in place of the access date, to fill in."""
SEARCH_TERM = "search_term_string"
"""The placeholder of the home page's SearchAction, in its URL template and query-input."""
SEARCH_QUERY = "q"
"""The search page's query parameter (``tim-kiem/?q=…``), as dvk-search.js reads it."""
PICTURE_EXTENSION = "jpg"
"""The rendition a search engine is pointed to: JPEG, which every crawler reads."""

EN_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December")
BIBTEX_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov",
                 "dec")
BIBTEX_SPECIAL = str.maketrans({c: "\\" + c for c in "&%$#_{}"})


@dataclass(frozen=True, slots=True)
class Version:
    """The version of an entry page a reader cites: the last commit that changed its file."""

    commit: str
    date: dt.date

    @property
    def short(self) -> str:
        """The commit's short id, as git and the forges show it."""
        return self.commit[:7]

    @property
    def vietnamese(self) -> str:
        """"phiên bản 1a2b3c4 (24/07/2024)"."""
        return f"phiên bản {self.short} ({self.date.strftime('%d/%m/%Y')})"


@dataclass(frozen=True, slots=True)
class Citation:
    """What a citation of one entry page says: who, when, what, where."""

    entry: Entry
    site: SiteInfo
    published: dt.date | None
    """When the page first appeared (its file's first commit), if known."""
    modified: dt.date | None
    """When the page last changed: the entry's ``updated``, else its file's last commit."""
    press: tuple[PressRecord, ...] = ()
    """The articles about the entry, newest first: the page lists them, and its
    metadata names them as what the page is the subject of."""
    version: Version | None = None
    """The page's version, when the site names its repository (``repo_url``)."""
    key: str = field(init=False, repr=False, compare=False)
    """Changes whenever a file made from this citation would, the site's settings
    aside (the config's, whose change rebuilds everything): the entry's file and
    its dates. Empty for an entry made without a file, which has no digest.

    Made once: a build asks each of 50,000 citations for it several times
    (its files, its open-data rows, the tables' keys)."""

    def __post_init__(self) -> None:
        digest = self.entry.digest
        if digest and self.press:
            digest += ":" + ":".join(record.digest for record in self.press)
        if digest and self.version:
            digest += f":{self.version.commit}"
        object.__setattr__(self, "key", digest and f"{digest}:{self.published}:{self.modified}")

    @property
    def url(self) -> str:
        """The page's permanent URL (root-relative when site_url is not configured)."""
        return self.site.absolute(self.entry.url)

    @property
    def _url(self) -> str:
        # In the page, a root-relative URL is a blank the script fills from the
        # address bar: the site may be served below a path the build cannot know.
        return self.url if self.site.url else URL_MARK

    @property
    def year(self) -> str:
        """The year cited: of the last change, since that is the text the reader sees."""
        return str(self.modified.year) if self.modified else "n.d."

    def vietnamese(self) -> str:
        """Tác giả (năm), "Tên bài", Tên trang, URL, truy cập ngày …."""
        year = str(self.modified.year) if self.modified else "không rõ năm"
        version = f", {self.version.vietnamese}" if self.version else ""
        return (f"{self.site.author} ({year}), “{self.entry.title}”, {self.site.name}"
                f"{version}, {self._url}, truy cập ngày {ACCESS_VI}.")

    def apa(self) -> str:
        """APA 7, a page on a website whose content changes (so with a retrieval date)."""
        if self.modified:
            m = self.modified
            when = f"{m.year}, {EN_MONTHS[m.month - 1]} {m.day}"
        else:
            when = "n.d."
        version = f" (Version {self.version.short})" if self.version else ""
        return (f"{self.site.author}. ({when}). {self.entry.title}{version}. {self.site.name}. "
                f"Retrieved {ACCESS_EN}, from {self._url}")

    def bibtex(self) -> str:
        """A @misc record (biblatex reads url and urldate too)."""
        fields = [
            ("author", "{" + _bibtex(self.site.author) + "}"),  # a body, not "Last, First"
            ("title", _bibtex(self.entry.title)),
            ("howpublished", _bibtex(self.site.name)),
            ("year", self.year),
        ]
        if self.modified:
            fields.append(("month", BIBTEX_MONTHS[self.modified.month - 1]))
        if self.version:
            fields.append(("note", _bibtex(f"Phiên bản {self.version.short}, "
                                           f"{self.version.date.isoformat()}")))
        fields += [("url", self._url), ("urldate", ACCESS_ISO), ("language", "vietnamese")]
        lines = [f"  {name} = {value}," if name == "month" else f"  {name} = {{{value}}},"
                 for name, value in fields]
        return f"@misc{{{self.entry.id},\n" + "\n".join(lines) + "\n}"

    def csl(self) -> dict[str, Any]:
        """The CSL-JSON item that citation processors and Zotero read."""
        item: dict[str, Any] = {
            "id": self.entry.id,
            "type": "webpage",
            "title": self.entry.title,
            "author": [{"literal": self.site.author}],
            "container-title": self.site.name,
            "URL": self.url,
            "abstract": self.entry.summary,
            "language": "vi",
        }
        if self.modified:
            item["issued"] = {"date-parts": [[self.modified.year, self.modified.month,
                                              self.modified.day]]}
        if self.version:
            item["version"] = f"{self.version.short} ({self.version.date.isoformat()})"
        return item

    def csl_json(self) -> str:
        """The CSL-JSON download: a list of one item."""
        return json.dumps([self.csl()], ensure_ascii=False, indent=2) + "\n"

    def ris(self) -> str:
        """The RIS download (EndNote, Zotero, Mendeley)."""
        lines = ["TY  - ELEC", f"AU  - {self.site.author}", f"TI  - {self.entry.title}",
                 f"T2  - {self.site.name}"]
        if self.modified:
            lines += [f"PY  - {self.modified.year}",
                      f"DA  - {self.modified.strftime('%Y/%m/%d')}"]
        if self.version:  # RIS's edition, which reference managers show as the version
            lines.append(f"ET  - {self.version.short} ({self.version.date.isoformat()})")
        lines += [f"UR  - {self.url}", f"AB  - {_one_line(self.entry.summary)}", "LA  - vi",
                  "ER  - "]
        return "\r\n".join(lines) + "\r\n"  # the RIS specification's line ends

    def json_ld(self) -> str:
        """schema.org description of the page and the model it presents, for search engines."""
        entry = self.entry
        data: dict[str, Any] = {
            "@context": "https://schema.org",
            "@type": "WebPage",
            "name": entry.title,
            "headline": entry.title,
            "description": entry.summary,
            "url": self.url,
            "inLanguage": "vi",
            "isPartOf": {"@type": "WebSite", "name": self.site.name,
                         **({"url": self.site.url} if self.site.url else {})},
            "author": {"@type": "Organization", "name": self.site.author},
            "spatialCoverage": {
                "@type": "Place",
                "name": entry.locality or entry.province.full_name,
                "address": {"@type": "PostalAddress", "addressRegion": entry.province.name,
                            "addressCountry": "VN"},
            },
            "about": [
                {"@type": "Thing", "name": f"Dân vận khéo: {entry.field.label}"},
                *([{"@type": "Organization", "name": entry.unit}] if entry.unit else []),
            ],
            "citation": [_source_ld(s) for s in entry.sources],
        }
        if self.press:
            data["subjectOf"] = [_article_ld(record) for record in self.press]
        if self.version:
            data["version"] = self.version.short
        if self.published:
            data["datePublished"] = self.published.isoformat()
        if self.modified:
            data["dateModified"] = self.modified.isoformat()
        image = self._image_ld()
        if image is not None:
            data["image"] = image
        return _script_json(data)

    def _image_ld(self) -> list[dict[str, Any]] | str | None:
        """The entry's pictures, else its social card; nothing without the site's address.

        As og:image: schema.org wants absolute URLs, and without site_url the
        build cannot know where the site is served.
        """
        if not self.site.url:
            return None
        entry = self.entry
        if entry.images:
            return [_picture_ld(self.site.absolute(entry.url), image) for image in entry.images]
        # The card og:image names: every entry page has one (generator/publish/cards.py).
        return self.site.absolute(entry.url + urls.CARD)


def website_json_ld(site: SiteInfo, description: str) -> str:
    """schema.org WebSite of the home page, with the search it offers; "" without site_url.

    Search engines read the site's name and search box only at absolute URLs,
    so without the site's address there is nothing here they could use.
    """
    if not site.url:
        return ""
    search = site.absolute(urls.SEARCH) + f"?{SEARCH_QUERY}={{{SEARCH_TERM}}}"
    return _script_json({
        "@context": "https://schema.org",
        "@type": "WebSite",
        "name": site.name,
        "url": site.url,
        "inLanguage": "vi",
        "description": description,
        "potentialAction": {
            "@type": "SearchAction",
            "target": {"@type": "EntryPoint", "urlTemplate": search},
            "query-input": f"required name={SEARCH_TERM}",
        },
    })


def _script_json(data: dict[str, Any]) -> str:
    # "</" must not appear inside a <script> element; the template escapes < > & too.
    return json.dumps(data, ensure_ascii=False).replace("</", "<\\/")


def as_html(text: str) -> str:
    """A citation's text as HTML, its blanks as elements the page's script fills in."""
    escaped = html.escape(text, quote=False)
    for mark, style in ((ACCESS_VI, "vi"), (ACCESS_EN, "en"), (ACCESS_ISO, "iso")):
        escaped = escaped.replace(
            mark, f'<span class="dvk-blank" data-dvk-today="{style}">{BLANK}</span>')
    return escaped.replace(URL_MARK, f'<span class="dvk-blank" data-dvk-url>{BLANK}</span>')


def _picture_ld(folder: str, image: Image) -> dict[str, Any]:
    # The widest JPEG the page's <img> falls back to; its caption and credit as printed.
    url = folder + image.file_name(image.width, PICTURE_EXTENSION)
    return {"@type": "ImageObject", "url": url, "contentUrl": url, "width": image.width,
            "height": image.height, "caption": image.alt, "creditText": image.credit}


def _source_ld(source: Source) -> dict[str, Any]:
    found: dict[str, Any] = {"@type": "CreativeWork", "name": source.title}
    if source.url:
        found["url"] = source.url
    if source.date:
        found["datePublished"] = source.date.isoformat()
    if source.publisher:
        found["publisher"] = {"@type": "Organization", "name": source.publisher}
    if source.author:
        found["author"] = {"@type": "Person", "name": source.author}
    return found


def _article_ld(record: PressRecord) -> dict[str, Any]:
    found: dict[str, Any] = {"@type": "NewsArticle", "headline": record.title,
                             "datePublished": record.date.isoformat(),
                             "inLanguage": record.language}
    if record.url:
        found["url"] = record.url
    if record.outlet:
        found["publisher"] = {"@type": "NewsMediaOrganization", "name": record.outlet}
    if record.author:
        found["author"] = {"@type": "Person", "name": record.author}
    if record.archive_url:
        found["archivedAt"] = record.archive_url
    return found


def _bibtex(text: str) -> str:
    return text.translate(BIBTEX_SPECIAL)


def _one_line(text: str) -> str:
    return " ".join(text.split())
