"""The press records as files: their open-data table (CSV and JSON, in the data package)
and the Atom and RSS feeds of the newest articles (``bao-chi/atom.xml``).

The columns are ``PRESS_COLUMNS``, declared once like the entries' (generator/
catalogue/columns.py). Every date in the feeds is an article's, so the same
records always give the same bytes.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
from typing import Any

from feedgen.feed import FeedGenerator

from generator.catalogue.catalogue import Catalogue
from generator.catalogue.columns import PRESS_COLUMNS
from generator.core import urls
from generator.core.press import PressRecord
from generator.publish.feeds import FEED_SIZE, moment, tag, with_self_link
from generator.publish.opendata import csv_cell

TITLE = "Báo chí viết về các mô hình"


def press_key(catalogue: Catalogue) -> str:
    """Changes whenever the press table would: each record's file and models."""
    joined = "\n".join(f"{r.digest}:{','.join(r.models)}" for r in catalogue.press)
    return hashlib.blake2b(joined.encode(), digest_size=16).hexdigest()


def feed_key(catalogue: Catalogue, quiet: dt.datetime) -> str:
    """Changes whenever the press feeds would: the newest articles and the entries they are
    about (the feeds name them), or the date of an empty feed."""
    newest = catalogue.press[:FEED_SIZE]
    joined = "\n".join(f"{r.digest}:" + ",".join(catalogue.by_id[m].digest for m in r.models)
                       for r in newest) if newest else quiet.isoformat()
    return hashlib.blake2b(joined.encode(), digest_size=16).hexdigest()


def press_csv(records: tuple[PressRecord, ...]) -> bytes:
    """UTF-8 with a byte-order mark (Excel), CRLF, formulas defused, as the entries' tables."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(c.name for c in PRESS_COLUMNS)
    for record in records:
        writer.writerow(csv_cell(c.value(record)) for c in PRESS_COLUMNS)
    return buffer.getvalue().encode("utf-8-sig")


def press_json(records: tuple[PressRecord, ...]) -> bytes:
    """An array of objects with the CSV's columns (empty values as null)."""
    rows = [{c.name: c.value(record) or None for c in PRESS_COLUMNS} for record in records]
    return (json.dumps(rows, ensure_ascii=False, indent=1) + "\n").encode()


def press_resources() -> list[dict[str, Any]]:
    """The table's two Frictionless resources, for ``datapackage.json``."""
    schema = {
        "fields": [{"name": c.name, "type": c.type, "title": c.title,
                    "description": c.description,
                    **({"constraints": {"required": True}} if c.required else {})}
                   for c in PRESS_COLUMNS],
        "primaryKey": ["id"],
        "missingValues": [""],
    }
    return [
        {"name": urls.PRESS_TABLE, "title": TITLE,
         "path": urls.data_table(urls.PRESS_TABLE, "csv").removeprefix(urls.DATA),
         "format": "csv", "mediatype": "text/csv", "encoding": "utf-8-sig", "schema": schema},
        {"name": f"{urls.PRESS_TABLE}-json", "title": TITLE,
         "path": urls.data_table(urls.PRESS_TABLE, "json").removeprefix(urls.DATA),
         "format": "json", "mediatype": "application/json", "encoding": "utf-8",
         "schema": schema},
    ]


def press_feed(catalogue: Catalogue, quiet: dt.datetime) -> tuple[str, str]:
    """The newest articles as (Atom, RSS) text; ``quiet`` dates it while it has none, as
    the entries' empty feeds are dated (``generator.publish.feeds.quiet_moment``)."""
    site = catalogue.settings.site
    generator = FeedGenerator()
    generator.id(tag(site.url, urls.PRESS))
    generator.title(f"{site.name}: {TITLE.lower()}")
    description = "Các bài báo mới nhất viết về mô hình \"Dân vận khéo\"."
    generator.subtitle(description)
    generator.description(description)
    generator.language("vi")
    generator.author({"name": site.author})
    generator.generator("dvk")
    generator.link(href=site.absolute(urls.PRESS), rel="alternate")
    newest = catalogue.press[:FEED_SIZE]
    for record in reversed(newest):  # feedgen puts each new item first
        models = [catalogue.by_id[m] for m in record.models]
        item = generator.add_entry()
        item.id(record.url or tag(site.url, f"{urls.PRESS}#{record.id}"))
        item.title(record.title)
        item.link(href=record.url or site.absolute(models[0].url))
        item.summary("Về mô hình: " + "; ".join(m.title for m in models))
        item.published(moment(record.date))
        item.updated(moment(record.date))
        if record.author or record.outlet:
            item.author({"name": record.author or record.outlet})
        if record.outlet:
            item.category(term=record.outlet)
    latest = moment(newest[0].date) if newest else quiet
    generator.updated(latest)
    generator.lastBuildDate(latest)
    atom = with_self_link(generator, site.absolute(urls.PRESS + urls.ATOM)).atom_str(pretty=True)
    rss = with_self_link(generator, site.absolute(urls.PRESS + urls.RSS)).rss_str(pretty=True)
    return atom.decode(), rss.decode()
