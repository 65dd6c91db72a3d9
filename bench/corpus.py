"""Synthetic catalogues for benchmarks and tests: realistic in shape, never published.

The text is made of Vietnamese syllables (onset + rhyme + tone, composed to
NFC) drawn with a Zipf-like frequency, so that search indexes and compression
see the long tail of a real language rather than a 50-word vocabulary. Entries
are spread over the 34 provinces, the fields, the kinds and the years in skewed
proportions like the reported ones (Nghệ An, first half of 2024: 3,729 tập thể
to 765 cá nhân; 1,212 kinh tế, 2,298 văn hóa - xã hội, 486 quốc phòng - an
ninh, 507 xây dựng hệ thống chính trị). A few entries carry a small JPEG.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import random
import shutil
import unicodedata
from bisect import bisect
from dataclasses import dataclass
from pathlib import Path

import yaml
from mkdocs.utils.yaml import yaml_load
from PIL import Image

from generator.core.provinces import ProvinceRegistry, default_registry

ONSETS = ("", "b", "c", "ch", "d", "đ", "g", "gi", "h", "k", "kh", "l", "m", "n", "ng", "nh",
          "ph", "qu", "r", "s", "t", "th", "tr", "v", "x")
RHYMES = ("a", "ai", "am", "an", "ang", "anh", "ao", "au", "ay", "ăm", "ăn", "ăng", "âm", "ân",
          "âng", "ây", "âu", "e", "em", "en", "eo", "ê", "êm", "ên", "ênh", "êu", "i", "ia", "im",
          "in", "inh", "iêm", "iên", "iêng", "iêu", "o", "oa", "oai", "oan", "oang", "oanh", "oe",
          "oi", "om", "on", "ong", "ô", "ôi", "ôm", "ôn", "ông", "ơ", "ơi", "ơm", "ơn", "u", "ua",
          "uân", "ui", "um", "un", "ung", "uy", "uyên", "ư", "ưa", "ưng", "ươi", "ươn", "ương")
_STOP_NUCLEI = (
    "a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "oa", "iê", "uô", "ươ", "uyê",
)
STOPPED = (
    *(v + stop for v in _STOP_NUCLEI for stop in ("c", "t", "p")
      if not (v in {"e", "ê", "i", "uyê"} and stop == "c")),
    "ach", "êch", "ich", "oach", "uych",
)
"""Rhymes closed by a stop (-c, -t, -p, -ch): they take only the sắc or nặng tone."""
TONES = ("", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323")
"""No mark, huyền, hỏi, ngã, sắc, nặng."""
VOWELS = "aăâeêioôơuưy"

FIELD_WEIGHTS = {"kinh-te": 1212, "van-hoa-xa-hoi": 2298, "quoc-phong-an-ninh": 486,
                 "xay-dung-he-thong-chinh-tri": 507}
KIND_WEIGHTS = {"tap-the": 3729, "ca-nhan": 765}
YEARS = tuple(range(2015, 2026))
BODY_WORDS = 400
IMAGE_SHARE = 0.02


def _tone_position(rhyme: str) -> int:
    # The mark sits on the vowel with its own diacritic (ă â ê ô ơ ư; the last
    # one in ươ), else on the second of two vowels before a final consonant,
    # else on the first vowel: close enough to the modern rule for a benchmark.
    vowels = [i for i, ch in enumerate(rhyme) if ch in VOWELS]
    marked = [i for i in vowels if rhyme[i] in "ăâêôơư"]
    if marked:
        return marked[-1]
    if len(vowels) >= 2 and vowels[-1] < len(rhyme) - 1:
        return vowels[1]
    return vowels[0]


def syllables() -> list[str]:
    """Every onset + rhyme + tone combination, as NFC text (about 12,000 syllables)."""
    out: list[str] = []
    for onset, base in itertools.product(ONSETS, RHYMES + STOPPED):
        tones = TONES[4:] if base in STOPPED else TONES
        at = _tone_position(base)
        for tone in tones:
            word = onset + base[: at + 1] + tone + base[at + 1 :]
            out.append(unicodedata.normalize("NFC", word))
    return out


class Zipf:
    """Draws items with probability proportional to 1 / rank^s, in a seeded random rank order."""

    def __init__(self, items: list[str], rng: random.Random, s: float = 0.95) -> None:
        self.items = items[:]
        rng.shuffle(self.items)
        weights = [1 / (rank**s) for rank in range(1, len(self.items) + 1)]
        self.cumulative = list(itertools.accumulate(weights))
        self.rng = rng

    def draw(self, count: int) -> list[str]:
        """``count`` items."""
        total = self.cumulative[-1]
        return [self.items[bisect(self.cumulative, self.rng.random() * total)]
                for _ in range(count)]


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


@dataclass(frozen=True, slots=True)
class Corpus:
    """A generated site: its config, content folder and entry count."""

    root: Path
    size: int

    @property
    def config(self) -> Path:
        """The site_config.yml of the corpus."""
        return self.root / "site_config.yml"


def make_corpus(
    root: Path, size: int, *, seed: int = 2024, theme_dir: Path, base_config: Path,
    registry: ProvinceRegistry | None = None, press: int = 0,
) -> Corpus:
    """Write a synthetic site of ``size`` entries and ``press`` press records under ``root``
    (replacing it)."""
    registry = registry or default_registry()
    rng = random.Random(seed)
    words = Zipf(syllables(), rng)
    shutil.rmtree(root, ignore_errors=True)
    content = root / "content"
    (content / "mo-hinh").mkdir(parents=True)

    config = yaml_load(base_config.read_text(encoding="utf-8"))  # MkDocs' loader: !ENV
    config["theme"]["custom_dir"] = str(theme_dir)
    config.pop("site_url", None)
    (root / "site_config.yml").write_text(
        yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    (content / "index.md").write_text(
        "---\ntemplate: dvk/home.html\ntitle: Trang chủ\n---\n# Bộ dữ liệu thử\n", encoding="utf-8")
    for page in ("gioi-thieu", "dong-gop"):
        (content / f"{page}.md").write_text(f"# {page}\n\nDữ liệu thử.\n", encoding="utf-8")

    # Provinces are skewed too: a few large cities and provinces publish most.
    units = list(registry.units)
    rng.shuffle(units)
    province_weights = [1 / (rank**0.9) for rank in range(1, len(units) + 1)]
    image = _jpeg(rng)
    for number in range(size):
        unit = rng.choices(units, weights=province_weights)[0]
        filed = unit.name
        if unit.merged and rng.random() < 0.4:  # filed under a pre-2025 name
            filed = rng.choice(unit.formed_from).name
        title = " ".join(words.draw(rng.randint(3, 7))).capitalize()
        entry_id = f"mo-hinh-{number:06d}"
        year = min(YEARS[-1], YEARS[0] + int(rng.triangular(0, len(YEARS), len(YEARS))))
        data: dict[str, object] = {
            "id": entry_id,
            "title": title,
            "province": filed,
            "field": _weighted(rng, FIELD_WEIGHTS),
            "kind": _weighted(rng, KIND_WEIGHTS),
            "unit": " ".join(words.draw(4)).capitalize(),
            "locality": "xã " + " ".join(words.draw(2)).title(),
            "started": f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            "summary": " ".join(words.draw(rng.randint(18, 32))).capitalize() + ".",
            "results": [" ".join(words.draw(8)).capitalize() for _ in range(rng.randint(0, 3))],
            "sources": [{"title": " ".join(words.draw(8)).capitalize(), "publisher": "Báo thử",
                         "date": f"{year}-12-31"}],
        }
        folder = content / "mo-hinh" / unit.slug
        folder.mkdir(exist_ok=True)
        if rng.random() < IMAGE_SHARE:
            name = f"{entry_id}.jpg"
            (folder / name).write_bytes(image)
            data["images"] = [{"src": name, "alt": "Ảnh thử", "credit": "Dữ liệu thử"}]
        paragraphs = [" ".join(words.draw(BODY_WORDS // 5)).capitalize() + "."
                      for _ in range(5)]
        body = "## Bối cảnh\n\n" + paragraphs[0] + "\n\n## Cách làm\n\n" + "\n\n".join(
            paragraphs[1:4]) + "\n\n## Kết quả\n\n" + paragraphs[4] + "\n"
        front = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
        (folder / f"{entry_id}.md").write_text(f"---\n{front}---\n{body}", encoding="utf-8")
    add_press(content, size, press, random.Random(seed + 1), words)
    return Corpus(root, size)


OUTLETS = 60
"""Outlets the synthetic articles appear in: national papers, and each province's own."""


def add_press(content: Path, size: int, count: int, rng: random.Random, words: Zipf) -> None:
    """Write ``count`` press records about the ``size`` entries into ``content``/bao-chi/.

    Coverage is skewed as the press is: a few models are written about again and again,
    most never (at 20,000 articles for 50,000 models, about three in five have none).
    """
    if not count:
        return
    folder = content / "bao-chi"
    folder.mkdir(parents=True, exist_ok=True)
    outlets = ["Báo " + " ".join(words.draw(2)).title() for _ in range(OUTLETS)]
    outlet_weights = [1 / rank for rank in range(1, OUTLETS + 1)]
    for number in range(count):
        # Half the mentions go to one model in ten, the rest to any model.
        models = sorted({rng.randrange(max(1, size // 10)) * 10 % size if rng.random() < 0.5
                         else rng.randrange(size)
                         for _ in range(rng.choice((1, 1, 1, 2, 3)))})
        year = rng.choice(YEARS)
        data = {
            "title": " ".join(words.draw(rng.randint(6, 12))).capitalize(),
            "outlet": rng.choices(outlets, weights=outlet_weights)[0],
            "author": " ".join(words.draw(3)).title(),
            "date": dt.date(year, rng.randint(1, 12), rng.randint(1, 28)),
            "url": f"https://bao.example/{year}/bai-{number:06d}",
            "language": "vi",
            "models": [f"mo-hinh-{model:06d}" for model in models],
        }
        (folder / f"bai-{number:06d}.yml").write_text(
            yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _jpeg(rng: random.Random) -> bytes:
    picture = Image.new("RGB", (640, 400), tuple(rng.randrange(256) for _ in range(3)))
    out = io.BytesIO()
    picture.save(out, format="JPEG", quality=80)
    return out.getvalue()
