"""The search index runtime (dvk-index.js) agrees with the reference, query by query, in Chromium.

docs/search-index.md is normative: the writer (generator/publish/searchindex/)
writes the files, the runtime reads them in the browser, and the reference
(tests/search_reference.py) scores the catalogue straight from its text. On a
synthetic catalogue of 2,000 entries, several hundred generated queries must
give the same top ids, the same total and the same facet counts both ways.
"""

from __future__ import annotations

import json
import random
import re
import shutil
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page
from search_reference import Reference

from bench.corpus import make_corpus
from bench.server import serve
from conftest import REPO
from generator.catalogue.catalogue import Catalogue, load_catalogue
from generator.core.model import Entry
from generator.publish.searchindex import write_index
from generator.publish.searchindex.terms import document_order, syllables
from generator.publish.searchindex.writer import fnv1a
from generator.render.config import read_settings

pytestmark = pytest.mark.browser

RUNTIME = REPO / "theme" / "assets" / "javascripts" / "dvk-index.js"
INDEX = "tim-kiem/chi-muc/"
ENTRIES = 2000
PRESS = 700
"""Press records: about a quarter of the entries are written about, so both values of the
``bao-chi`` flag are common."""
SEED = 20240724
BATCH = 100
# No inline script: the CSP is the site's, so an eval or an inline style in the runtime
# would show as a console error. The test drives the page with page.evaluate.
PAGE = """<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy"
      content="default-src 'self'; script-src 'self'; style-src 'self'">
<title>dvk-index</title>
<script src="dvk-index.js"></script>
</head>
<body><p>Chỉ mục tìm kiếm</p></body>
</html>
"""
RUN_BATCH = """async ([base, cases]) => {
  window.dvkIndex ??= await DvkIndex.open(base);
  const out = [];
  for (const c of cases) {
    out.push(await window.dvkIndex.search(c.q, {filters: c.filters, prefix: c.prefix,
                                                limit: c.limit, flags: c.flags}));
  }
  return out;
}"""


@dataclass(frozen=True)
class Indexed:
    """The synthetic catalogue, its index written into a served folder, and the reference."""

    site: Path
    catalogue: Catalogue
    entries: list[Entry]
    """In document-id order."""
    manifest: dict[str, Any]
    reference: Reference


@dataclass(frozen=True)
class Case:
    """One query as the search page sends it."""

    q: str
    filters: dict[str, list[str]]
    prefix: bool
    limit: int = 20
    why: str = ""
    flags: bool = True
    """Whether the flags' counts are asked for (the search page does, the suggestions not)."""


@pytest.fixture(scope="module")
def indexed(tmp_path_factory: pytest.TempPathFactory) -> Indexed:
    """A 2,000-entry synthetic catalogue, its index in site/tim-kiem/chi-muc/, a test page."""
    root = tmp_path_factory.mktemp("searchindex")
    corpus = make_corpus(root / "corpus", ENTRIES, theme_dir=REPO / "theme",
                         base_config=REPO / "site_config.yml", press=PRESS)
    catalogue = load_catalogue(read_settings(corpus.config))
    site = root / "site"
    out = site / INDEX
    write_index(catalogue, out)
    shutil.copy(RUNTIME, site / "dvk-index.js")
    (site / "index.html").write_text(PAGE, encoding="utf-8")
    (site / "favicon.ico").write_bytes(b"")  # Chromium asks for it: no 404 in the console
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return Indexed(site, catalogue, document_order(catalogue), manifest, Reference(catalogue))


@pytest.fixture(scope="module")
def server(indexed: Indexed) -> Iterator[str]:
    """The folder served from 127.0.0.1, gzipped as in production."""
    with serve(indexed.site) as base:
        yield base


@dataclass
class Opened:
    """A fresh page on the test page, with what it requested and what went wrong in it."""

    page: Page
    requests: list[str]
    errors: list[str]

    def index_files(self) -> list[str]:
        """The index files requested, relative to the index folder, in request order."""
        return [url.split(INDEX, 1)[1] for url in self.requests if INDEX in url]


@pytest.fixture
def opened(browser: Browser, server: str) -> Iterator[Opened]:
    """The test page in a new context (an empty HTTP cache), recording requests and errors."""
    context = browser.new_context(locale="vi-VN")
    page = context.new_page()
    state = Opened(page, [], [])
    page.on("request", lambda request: state.requests.append(request.url))
    page.on("console", lambda message: (
        state.errors.append(message.text) if message.type in {"error", "warning"} else None))
    page.on("pageerror", lambda error: state.errors.append(str(error)))
    page.goto(f"{server}index.html")
    page.wait_for_function("() => typeof window.DvkIndex === 'function'")
    yield state
    context.close()


# ---------------------------------------------------------------------------
# Queries, generated from the catalogue's own text.

WORD = re.compile(r"[^\W_]+")


def strip_marks(text: str) -> str:
    """Tone and vowel marks removed and đ typed as d, case and spaces kept."""
    decomposed = unicodedata.normalize("NFD", text)
    kept = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    return unicodedata.normalize("NFC", kept.replace("đ", "d").replace("Đ", "D"))


def d_as_d(text: str) -> str:
    """Only đ typed as d: the other marks kept."""
    return text.replace("đ", "d").replace("Đ", "D")


def _words(entry: Entry, rng: random.Random) -> list[str]:
    text = rng.choice([entry.title, entry.title, entry.summary, entry.body])
    return WORD.findall(text)


def _filters(rng: random.Random, manifest: dict[str, Any], entry: Entry | None
             ) -> dict[str, list[str]]:
    """1–2 facets with 1–2 values each; half the time one of them is the entry's own."""
    own = {} if entry is None else {
        "tinh": entry.province.slug, "linh-vuc": entry.field.slug, "nam": str(entry.year),
        "loai": entry.kind.slug}
    every = manifest["facets"] | manifest["flags"]
    chosen: dict[str, list[str]] = {}
    for facet in rng.sample(list(every), rng.randint(1, 2)):
        keys = [key for key, _ in every[facet]]
        values = rng.sample(keys, min(len(keys), rng.randint(1, 2)))
        if facet in own and rng.random() < 0.5:
            values[0] = own[facet]
        chosen[facet] = sorted(set(values))
    return chosen


def make_cases(entries: list[Entry], manifest: dict[str, Any], seed: int = SEED) -> list[Case]:
    """Deterministic queries: words of titles, summaries and bodies, typed in several ways."""
    rng = random.Random(seed)
    cases: list[Case] = []
    while len(cases) < 320:
        entry = rng.choice(entries)
        words = _words(entry, rng)
        if not words:
            continue
        size = rng.randint(1, min(4, len(words)))
        start = rng.randrange(len(words) - size + 1)
        picked = words[start:start + size]
        how = rng.random()
        if how < 0.5:
            picked = [strip_marks(w) for w in picked]
            why = "marks stripped"
        elif how < 0.65:
            picked = [d_as_d(w) for w in picked]
            why = "đ typed as d"
        else:
            why = "as written"
        if rng.random() < 0.2:
            picked = [w.upper() if rng.random() < 0.3 else w.capitalize() for w in picked]
        prefix = rng.random() < 0.5
        if prefix and rng.random() < 0.6 and len(picked[-1]) > 1:
            picked[-1] = picked[-1][: rng.randint(1, len(picked[-1]) - 1)]
            why += ", last syllable cut"
        separator = rng.choice([" ", " ", " ", "  ", ", ", "-"])
        if len(picked) > 1 and rng.random() < 0.05:  # an over-long run parts two syllables
            picked.insert(1, "z" * 25)
            why += ", over-long run"
        query = separator.join(picked)
        if prefix and rng.random() < 0.1:
            query += " "
            why += ", trailing space"
        filters = _filters(rng, manifest, entry) if rng.random() < 0.3 else {}
        limit = rng.choice([20, 20, 20, 20, 5, 60])
        cases.append(Case(query, filters, prefix, limit, why, flags=rng.random() < 0.7))
    for _ in range(30):  # filters alone: a browse
        entry = rng.choice(entries)
        cases.append(Case(rng.choice(["", " ", "…"]), _filters(rng, manifest, entry),
                          rng.random() < 0.5, rng.choice([20, 60]), "browse",
                          flags=rng.random() < 0.7))
    cases += [  # the models no one has written about, and those someone has
        Case("", {"bao-chi": ["chua-co"]}, False, 60, "uncovered, browse", flags=False),
        Case("", {"bao-chi": ["da-co"], "tinh": [entries[0].province.slug]}, False, 60,
             "covered in a province, browse"),
        Case(strip_marks(entries[-1].title.split()[0]), {"bao-chi": ["chua-co"]}, False, 60,
             "uncovered, one word"),
    ]
    cases += [  # nothing matches
        Case("xyzzyqw", {}, False, why="unknown word"),
        Case("xyzzyqw", {"tinh": [manifest["facets"]["tinh"][0][0]]}, True, why="unknown prefix"),
        Case("qqqq zzzz", {}, False, why="unknown words"),
        Case(f"{strip_marks(entries[0].title.split()[0])} xyzzyqw", {}, False,
             why="one known word, one unknown"),
        Case("zzzzz", {}, True, why="prefix of nothing"),
        Case("", {"tinh": ["khong-co"], "bogus": ["x"]}, False, why="unknown filters only"),
    ]
    return cases


def _counts(counts: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
    """Facet counts without the facets that have none (the spec does not say to list them)."""
    return {facet: values for facet, values in counts.items() if values}


def _expected(reference: Reference, case: Case) -> dict[str, Any]:
    ids, counts, total = reference.search(case.q, case.filters, case.prefix, case.limit)
    if not case.flags and "bao-chi" not in case.filters:
        counts.pop("bao-chi")  # the runtime counts a flag only when it loads its bitmap
    return {"ids": ids, "total": total, "counts": _counts(counts)}


def _run(page: Page, base: str, cases: list[Case]) -> list[dict[str, Any]]:
    got: list[dict[str, Any]] = []
    for start in range(0, len(cases), BATCH):
        batch = [{"q": c.q, "filters": c.filters, "prefix": c.prefix, "limit": c.limit,
                  "flags": c.flags} for c in cases[start:start + BATCH]]
        got += page.evaluate(RUN_BATCH, [base, batch])
    return [{"ids": r["ids"], "total": r["total"], "counts": _counts(r["counts"])} for r in got]


# ---------------------------------------------------------------------------
# Tests.


def test_runtime_agrees_with_reference(indexed: Indexed, opened: Opened, server: str) -> None:
    """Every generated query gives the reference's top ids (score desc, id asc), total and counts.

    The queries cover 1–4 syllables from titles, summaries and bodies, typed with
    marks, without them, with đ as d, in capitals, with the last syllable cut (prefix
    expansion), with facet filters, filters alone (a browse), and words that match
    nothing.
    """
    cases = make_cases(indexed.entries, indexed.manifest)
    assert len(cases) >= 300
    got = _run(opened.page, f"{server}{INDEX}", cases)
    expected = [_expected(indexed.reference, case) for case in cases]
    wrong = [(case, want, have) for case, want, have in zip(cases, expected, got, strict=True)
             if want != have]
    details = "\n".join(f"{case}\n  reference: {want}\n  runtime:   {have}"
                        for case, want, have in wrong[:5])
    assert not wrong, f"{len(wrong)} of {len(cases)} queries disagree:\n{details}"
    assert not opened.errors
    # The generated queries exercise what they claim to: most find something, some many,
    # and both values of the press flag are counted, on most queries.
    found = [want for want in expected if want["total"]]
    flagged = [want["counts"]["bao-chi"] for want in found if "bao-chi" in want["counts"]]
    assert len(flagged) > len(found) // 2
    assert sum(len(counted) == 2 for counted in flagged) > len(flagged) // 2
    assert len(found) > len(cases) * 0.7
    assert any(want["total"] > 100 for want in expected)
    assert any(len(want["ids"]) == 60 for want in expected)


def test_bad_input_never_throws(indexed: Indexed, opened: Opened, server: str) -> None:
    """A long, punctuation-only, emoji-only or odd query, or unknown filters, give a result.

    Without a syllable, unknown filters ignored, the result is the browse of every
    document; with a known filter it is the browse of that filter. Nothing is logged
    to the console.
    """
    tinh = indexed.manifest["facets"]["tinh"][0][0]
    empty = [
        "x" * 500, "!?.,;:…—–-()[]{}«»“”'\"/\\|@#$%^&*+=~`", "😀🎉👍🏽🇻🇳", "\u0301\u0303\u0323",
        " \t\n ", "", "\ud83d", "ｘｙｚ", "𝐤𝐲 𝐭𝐮𝐜",
    ]
    got = opened.page.evaluate(
        """async ([base, queries, tinh]) => {
          const index = await DvkIndex.open(base);
          const out = [];
          for (const q of queries) {
            for (const prefix of [false, true]) {
              out.push(await index.search(q, {prefix}));
              out.push(await index.search(q, {prefix, filters: {bogus: ["x"], tinh: ["nowhere"]}}));
            }
          }
          const odd = [
            await index.search(null),
            await index.search(undefined, {filters: null}),
            await index.search(42, {filters: "tinh", limit: -3}),
            await index.search("ky", {filters: {tinh: tinh}, limit: "many"}),
          ];
          return {out, odd};
        }""",
        [f"{server}{INDEX}", empty, tinh],
    )
    browse = _expected(indexed.reference, Case("", {}, False, flags=False))
    assert browse["total"] == len(indexed.entries) and browse["ids"] == list(range(20))
    for result in got["out"]:
        assert {**result, "counts": _counts(result["counts"])} == browse
    for result in got["odd"]:
        assert isinstance(result["ids"], list)
        assert isinstance(result["total"], int)
    # Punctuation and filters: a browse, as the reference gives it.
    long_words = " ".join(w for e in indexed.entries[:40] for w in WORD.findall(e.title))[:500]
    cases = [Case("!!! ...", {"tinh": [tinh]}, False), Case("😀", {"tinh": [tinh]}, True),
             Case(long_words, {}, False), Case(long_words, {}, True),
             Case("x" * 500 + " " + long_words, {}, True)]
    assert len(long_words) == 500
    assert _run(opened.page, f"{server}{INDEX}", cases) == [
        _expected(indexed.reference, case) for case in cases]
    assert not opened.errors


def test_a_two_syllable_query_fetches_a_few_files(
    indexed: Indexed, opened: Opened, server: str
) -> None:
    """A two-syllable query fetches the manifest, its dictionary shards, two postings files
    and one bigram shard; the cards shown fetch only their own card files; all is cached."""
    entry = next(e for e in indexed.entries if len(WORD.findall(e.title)) >= 3)
    query = " ".join(WORD.findall(entry.title)[:2])
    script = """async ([base, query, shown]) => {
      window.dvkIndex ??= await DvkIndex.open(base);
      const r = await window.dvkIndex.search(query, {prefix: false});
      const cards = await window.dvkIndex.cards(r.ids.slice(0, shown));
      return {r, cards};
    }"""
    base = f"{server}{INDEX}"
    got = opened.page.evaluate(script, [base, query, 5])
    files = opened.index_files()
    assert got["r"]["ids"] == indexed.reference.search(query, {}, False)[0]
    shown = got["r"]["ids"][:5]
    assert len(files) == len(set(files)) <= 12, files
    assert files[0] == "manifest.json"
    assert sum(f.startswith("d/") for f in files) <= 2, files
    assert sum(f.startswith("t/") for f in files) == 2, files
    assert sum(f.startswith("b/") for f in files) == 1, files
    assert not any(f.startswith("f/") for f in files), "a flag's bitmap, unasked for"
    size = indexed.manifest["cards"]
    assert {f for f in files if f.startswith("c/")} == {f"c/{i // size}.json" for i in shown}
    # The cards, in the order of the ids, are those entries'.
    assert [c["url"] for c in got["cards"]] == [indexed.entries[i].url for i in shown]
    assert [c["title"] for c in got["cards"]] == [indexed.entries[i].title for i in shown]
    assert set(got["cards"][0]) == {"url", "title", "place", "field", "year", "kind", "summary"}
    # Asked again, nothing is fetched again.
    before = len(opened.requests)
    assert opened.page.evaluate(script, [base, query, 5]) == got
    assert len(opened.requests) == before
    assert not opened.errors


def test_tokeniser_and_hash_agree_with_the_writer(opened: Opened) -> None:
    """Syllables (NFC, lower case, folding, word characters by code point, the 24 limit)
    and the FNV-1a bigram hash are the same in JavaScript as in the writer."""
    texts = [
        "Ký túc xá vùng biên", "ĐƯỜNG Đà Nẵng đường", "ky-tuc,xa!", "Tân Kỳ 2024 năm1",
        "Hoà hòa HOÀ", "e\u0301 ê\u0302 q\u0303", "İstanbul ǅemal ﬁle Straße", "ｘｙｚ ７",
        "a" * 24 + " " + "b" * 25 + " c", "😀ký😀túc", "ΑΘΗΝΑ москва 東京", "ǹ ḿ ẁ ỳ",
        "Nghệ An · Hà Nội (cũ)", "ﬃ Ⅻ ½ ²",
    ]
    got = opened.page.evaluate("texts => texts.map(t => DvkIndex.syllables(t))", texts)
    for text, syls in zip(texts, got, strict=True):
        want = [{"variant": s.variant, "term": s.term} for s in syllables(text) if s is not None]
        assert syls == want, text
    keys = ["ky tuc", "duong hoa", "a b", "đường hoa", "x" * 60]
    hashes = opened.page.evaluate("keys => keys.map(k => DvkIndex.fnv1a(k))", keys)
    assert hashes == [fnv1a(k) for k in keys]
    assert not opened.errors
