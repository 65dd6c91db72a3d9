"""The province registry: the 2025 data (NQ 202/2025/QH15) and free-text resolution."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from generator.core.provinces import (
    OldProvince,
    Province,
    ProvinceMatch,
    ProvinceRegistry,
    default_registry,
)
from generator.core.text import slugify, strip_marks

REGISTRY = default_registry()

ALL_OLD = [(old, unit) for unit in REGISTRY.units for old in unit.formed_from]


def _match(text: str) -> ProvinceMatch:
    match = REGISTRY.resolve(text)
    assert match is not None, f"{text!r} did not resolve"
    return match


# --- the data -------------------------------------------------------------


def test_counts() -> None:
    """There are exactly 34 current units and 63 old units."""
    assert len(REGISTRY.units) == 34
    assert len(REGISTRY.old_units) == 63
    assert sum(unit.merged for unit in REGISTRY.units) == 23


def test_codes_unique() -> None:
    """Current codes are unique, and so are old codes."""
    unit_codes = [unit.code for unit in REGISTRY.units]
    old_codes = [old.code for old in REGISTRY.old_units]
    assert len(set(unit_codes)) == 34
    assert len(set(old_codes)) == 63


def test_each_old_unit_in_exactly_one_unit() -> None:
    """Every old unit appears in exactly one formed_from, and together they are the 63."""
    listed = [old for old, _ in ALL_OLD]
    assert len(listed) == 63
    assert sorted(listed, key=lambda o: o.code) == sorted(REGISTRY.old_units, key=lambda o: o.code)
    for old, unit in ALL_OLD:
        assert REGISTRY.new_unit_of(old) == unit


def test_slugs_unique_and_derived_from_name() -> None:
    """Slugs are unique and equal to slugify(name)."""
    slugs = [unit.slug for unit in REGISTRY.units]
    assert len(set(slugs)) == 34
    for unit in REGISTRY.units:
        assert unit.slug == slugify(unit.name)
        assert REGISTRY.by_slug(unit.slug) is unit


def test_spot_checks_from_reference() -> None:
    """Known facts from the reference table hold."""
    tien_giang = next(old for old in REGISTRY.old_units if old.name == "Tiền Giang")
    assert REGISTRY.new_unit_of(tien_giang).slug == "dong-thap"
    assert tien_giang.code == "82"
    tay_ninh = REGISTRY.by_slug("tay-ninh")
    assert tay_ninh is not None
    assert tay_ninh.code == "80"
    assert {old.name for old in tay_ninh.formed_from} == {"Tây Ninh", "Long An"}
    hue = REGISTRY.by_slug("hue")
    assert hue is not None
    assert hue.full_name == "Thành phố Huế"
    assert hue.formed_from == (OldProvince("Thừa Thiên Huế", "46"),)
    assert not hue.merged
    hcm = REGISTRY.by_code("79")
    assert hcm is not None
    assert hcm.full_name == "Thành phố Hồ Chí Minh"
    assert OldProvince("Hồ Chí Minh", "79") in hcm.formed_from


def test_unit_list_in_vietnamese_order() -> None:
    """Units are listed in ICU "vi" order: syllable by syllable, Đ after D, tones secondary."""
    names = [unit.name for unit in REGISTRY.units]
    assert names == [
        "An Giang", "Bắc Ninh", "Cà Mau", "Cao Bằng", "Cần Thơ",
        "Đà Nẵng", "Đắk Lắk", "Điện Biên", "Đồng Nai", "Đồng Tháp",
        "Gia Lai", "Hà Nội", "Hà Tĩnh", "Hải Phòng", "Hồ Chí Minh", "Huế", "Hưng Yên",
        "Khánh Hòa", "Lai Châu", "Lạng Sơn", "Lào Cai", "Lâm Đồng",
        "Nghệ An", "Ninh Bình", "Phú Thọ", "Quảng Ngãi", "Quảng Ninh", "Quảng Trị",
        "Sơn La", "Tây Ninh", "Thái Nguyên", "Thanh Hóa", "Tuyên Quang", "Vĩnh Long",
    ]  # fmt: skip
    assert names.index("Cà Mau") < names.index("Cao Bằng")
    # Đ is a letter of its own after D, so no D/Đ interleaving and Đ before G.
    before_d_stroke = [n for n in names if n[0] in "ABCD"]
    assert names.index("Đà Nẵng") == len(before_d_stroke)
    assert all(n.startswith("Đ") for n in names[len(before_d_stroke) : names.index("Gia Lai")])


def test_old_units_in_vietnamese_order() -> None:
    """Old units are listed in ICU "vi" order too."""
    names = [old.name for old in REGISTRY.old_units]
    assert names.index("Bà Rịa - Vũng Tàu") < names.index("Bạc Liêu") < names.index("Bắc Giang")
    assert names.index("Đà Nẵng") > names.index("Cần Thơ")
    assert names.index("Đắk Nông") < names.index("Điện Biên") < names.index("Gia Lai")


# --- resolve --------------------------------------------------------------


def test_old_name_resolves_to_new_unit_with_old() -> None:
    """An old unit's name that is not the new unit's name resolves with old set."""
    match = _match("Hà Nam")
    assert match.province.slug == "ninh-binh"
    assert match.old == OldProvince("Hà Nam", "35")
    match = _match("Bắc Giang")
    assert match.province.slug == "bac-ninh"
    assert match.old == OldProvince("Bắc Giang", "24")


def test_thua_thien_hue_resolves_to_hue() -> None:
    """Thừa Thiên Huế resolves to Huế, remembering the old name since it differs."""
    match = _match("Thua Thien Hue")
    assert match.province.slug == "hue"
    assert match.old == OldProvince("Thừa Thiên Huế", "46")
    assert _match("Thành phố Huế") == ProvinceMatch(match.province, None)


@pytest.mark.parametrize("text", ["Ba Ria - Vung Tau", "ba ria vung tau", "BR-VT", "BRVT"])
def test_ba_ria_vung_tau(text: str) -> None:
    """Bà Rịa - Vũng Tàu, however spelled, is now part of Hồ Chí Minh."""
    match = _match(text)
    assert match.province.slug == "ho-chi-minh"
    assert match.old == OldProvince("Bà Rịa - Vũng Tàu", "77")


@pytest.mark.parametrize(
    "text",
    [
        "TP HCM",
        "TP. Hồ Chí Minh",
        "T.P. Hồ Chí Minh",
        "Thành phố Hồ Chí Minh",
        "Thanh pho Ho Chi Minh",
        "TP Ho Chi Minh",
        "ho-chi-minh",
        "HCM",
        "TPHCM",
        "TP.HCM",
        "Sài Gòn",
    ],
)
def test_new_unit_names_resolve_with_no_old(text: str) -> None:
    """A new unit's name, slug, prefixed or abbreviated form resolves with old None."""
    match = _match(text)
    assert match.province.slug == "ho-chi-minh"
    assert match.old is None


def test_new_name_wins_over_old_unit_of_same_name() -> None:
    """A name both old and new means the new unit, unless marked "(cũ)"."""
    assert _match("Bắc Ninh") == ProvinceMatch(_match("bac-ninh").province, None)
    assert _match("Tỉnh Nghệ An").province.slug == "nghe-an"
    assert _match("Tinh Nghe An").old is None
    for text in ("Bắc Ninh (cũ)", "Bac Ninh (cu)", "Tỉnh Bắc Ninh ( cũ )"):
        match = _match(text)
        assert match.province.slug == "bac-ninh"
        assert match.old == OldProvince("Bắc Ninh", "27")
    assert _match("Hồ Chí Minh (cũ)").old == OldProvince("Hồ Chí Minh", "79")


def test_old_marker_on_a_name_that_was_never_old() -> None:
    """A "(cũ)" after a name no old unit had resolves to nothing rather than guessing."""
    assert REGISTRY.resolve("Huế (cũ)") is None


def test_decomposed_unicode_resolves_the_same() -> None:
    """NFD input (as some editors save it) resolves like NFC input."""
    for text in ("Thừa Thiên Huế", "Bắc Ninh (cũ)", "Thành phố Hồ Chí Minh", "Đắk Nông"):
        decomposed = unicodedata.normalize("NFD", text)
        assert decomposed != text
        assert REGISTRY.resolve(decomposed) == REGISTRY.resolve(text) is not None


def test_spelling_variants() -> None:
    """Tone-placement and common misspellings resolve to the official unit."""
    assert _match("Đắc Lắc").province.slug == "dak-lak"
    assert _match("Dak Lak").province.slug == "dak-lak"
    assert _match("Đăk Lăk").old is None
    assert _match("Đắc Nông").old == OldProvince("Đắk Nông", "67")
    assert _match("Kontum").old == OldProvince("Kon Tum", "62")
    assert _match("Hoà Bình").old == OldProvince("Hòa Bình", "17")
    assert _match("Thanh Hoá").province.slug == "thanh-hoa"
    assert _match("Khánh Hoà").province.slug == "khanh-hoa"


@pytest.mark.parametrize("text", ["Hà Nọi x", "", "Tỉnh", "Hà Tây", "80", "01", "Việt Nam"])
def test_unknown_resolves_to_none(text: str) -> None:
    """Unknown names, bare prefixes and codes (ambiguous across 2025) resolve to None."""
    assert REGISTRY.resolve(text) is None


def test_codes_are_not_resolved_but_looked_up() -> None:
    """by_code finds a current unit by its 2025 code; it is never an old code."""
    tay_ninh = REGISTRY.by_code("80")
    assert tay_ninh is not None
    assert tay_ninh.name == "Tây Ninh"
    assert REGISTRY.by_code("35") is None  # Hà Nam's old code
    assert REGISTRY.by_slug("ha-nam") is None


@pytest.mark.parametrize(("old", "unit"), ALL_OLD, ids=[old.name for old, _ in ALL_OLD])
def test_every_old_name_resolves(old: OldProvince, unit: Province) -> None:
    """Each of the 63 old names resolves to its unit, with or without marks and prefixes."""
    expected_old = None if old.name == unit.name else old
    for text in (old.name, strip_marks(old.name)):
        for prefix in ("", "Tỉnh ", "Thành phố ", "tinh ", "TP. "):
            match = REGISTRY.resolve(prefix + text)
            assert match == ProvinceMatch(unit, expected_old), prefix + text
        assert REGISTRY.resolve(f"{text} (cũ)") == ProvinceMatch(unit, old)


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Hà Giang", "tuyen-quang"),
        ("Yên Bái", "lao-cai"),
        ("Bắc Kạn", "thai-nguyen"),
        ("Vĩnh Phúc", "phu-tho"),
        ("Hải Dương", "hai-phong"),
        ("Thái Bình", "hung-yen"),
        ("Quảng Bình", "quang-tri"),
        ("Quảng Nam", "da-nang"),
        ("Kon Tum", "quang-ngai"),
        ("Bình Định", "gia-lai"),
        ("Ninh Thuận", "khanh-hoa"),
        ("Phú Yên", "dak-lak"),
        ("Bình Thuận", "lam-dong"),
        ("Bình Phước", "dong-nai"),
        ("Bình Dương", "ho-chi-minh"),
        ("Long An", "tay-ninh"),
        ("Tiền Giang", "dong-thap"),
        ("Bến Tre", "vinh-long"),
        ("Kiên Giang", "an-giang"),
        ("Sóc Trăng", "can-tho"),
        ("Bạc Liêu", "ca-mau"),
    ],
)
def test_reference_table(text: str, slug: str) -> None:
    """Old units from the reference table resolve to the unit they merged into."""
    assert _match(text).province.slug == slug


# --- suggest --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ha Noii", "Hà Nội"),
        ("Nghe Anh", "Nghệ An"),
        ("Thua Thien Hu", "Thừa Thiên Huế"),
        ("zzzz", None),
        ("", None),
    ],
)
def test_suggest(text: str, expected: str | None) -> None:
    """suggest returns the nearest known name with diacritics, or None if nothing is close."""
    assert REGISTRY.suggest(text) == expected


# --- the data guard -------------------------------------------------------


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "provinces.yml"
    path.write_text(body, encoding="utf-8")
    return path


_TWO_UNITS = """
units:
  - code: "01"
    slug: ha-noi
    name: Hà Nội
    full_name: Thành phố Hà Nội
    formed_from:
      - {name: Hà Nội, code: "01"}
  - code: "37"
    slug: ninh-binh
    name: Ninh Bình
    full_name: Tỉnh Ninh Bình
    formed_from:
      - {name: Hà Nam, code: "35"}
      - {name: Ninh Bình, code: "37"}
"""


def test_from_file_loads_a_small_file(tmp_path: Path) -> None:
    """from_file reads units and aliases from any path."""
    registry = ProvinceRegistry.from_file(
        _write(tmp_path, _TWO_UNITS + "aliases:\n  Ha Nam cu: Hà Nam\n")
    )
    assert [unit.slug for unit in registry.units] == ["ha-noi", "ninh-binh"]
    match = registry.resolve("ha nam cu")
    assert match is not None
    assert match.old == OldProvince("Hà Nam", "35")


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("aliases:\n  Ha Noi: Hà Nam\n", "would mean both"),
        ("aliases:\n  Hà Tây: Hà Tây\n", "not an old unit"),
    ],
)
def test_from_file_rejects_clashes(tmp_path: Path, extra: str, message: str) -> None:
    """A spelling that folds onto another unit, or an alias to no old unit, is refused."""
    with pytest.raises(ValueError, match=message):
        ProvinceRegistry.from_file(_write(tmp_path, _TWO_UNITS + extra))


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('code: "37"', 'code: "01"', "duplicate unit code"),
        ('{name: Hà Nam, code: "35"}', '{name: Hà Nam, code: "01"}', "duplicate old code"),
        ('code: "37"', "code: 37", "quote codes"),
    ],
)
def test_from_file_rejects_bad_data(tmp_path: Path, old: str, new: str, message: str) -> None:
    """Duplicate codes and unquoted codes are data errors, not silent overwrites."""
    with pytest.raises(ValueError, match=message):
        ProvinceRegistry.from_file(_write(tmp_path, _TWO_UNITS.replace(old, new, 1)))
