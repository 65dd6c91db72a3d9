"""The theme's copies of Material's templates are Material's own, but for the changes they mark.

MkDocs takes a template of theme/ over Material's of the same name. These are whole copies,
made to change what no block of Material's reaches (each marks its change "dvk:" and says
why). The rest must stay the installed Material's: base.html names Material's hashed assets,
which change with every release. So an upgrade of mkdocs-material fails here until each copy
is taken again from the new version and its change made again.
"""

from __future__ import annotations

import re
from importlib.metadata import version
from pathlib import Path

import material
import pytest

from conftest import REPO

MATERIAL = Path(material.__file__).parent / "templates"
THEME = REPO / "theme"

TOC_INPUT = '<input class="md-nav__toggle md-toggle" type="checkbox" id="__toc">'
TOC_LABEL = '<label class="md-nav__link md-nav__link--active" for="__toc">'

# Each copy's changes, as (Material's text, ours) over the normalised text (see `lines`).
CHANGES: dict[str, list[tuple[str, str]]] = {
    # The search toggle, which nothing on this site names or checks, hidden from assistive
    # technology; no autocomplete="off" (never checked, it has nothing to restore).
    "base.html": [(
        '<input class="md-toggle" data-md-toggle="search" type="checkbox" id="__search"'
        ' autocomplete="off">',
        '<input class="md-toggle" data-md-toggle="search" type="checkbox" id="__search"'
        ' aria-hidden="true">')],
    # The colour scheme toggle is no form: there is nothing to submit.
    "partials/palette.html": [
        ('<form class="md-header__option"', '<div class="md-header__option"'),
        ("</form>", "</div>")],
    # The current page's "__toc" toggle only with a table of contents to fold.
    "partials/nav-item.html": [
        (f"{{% set toc = page.toc %}}\n{TOC_INPUT}\n", "{% set toc = page.toc %}\n"),
        (f"{{% if toc %}}\n{TOC_LABEL}", f"{{% if toc %}}\n{TOC_INPUT}\n{TOC_LABEL}")],
}


def lines(template: str) -> str:
    """``template`` without its Jinja comments, blank lines and indentation."""
    text = re.sub(r"\{#.*?#\}", "", template, flags=re.S)
    return "\n".join(line.strip() for line in text.splitlines() if line.strip()) + "\n"


@pytest.mark.parametrize("name", CHANGES)
def test_copy_is_materials_but_for_its_marked_changes(name: str) -> None:
    ours = (THEME / name).read_text(encoding="utf-8")
    installed = version("mkdocs-material")
    assert f"Material for MkDocs {installed}'s {name}" in ours, (
        f"theme/{name} was not copied from the installed Material {installed}: copy it again"
        " and make its dvk: change again")
    assert ours.count("dvk:") >= 1, f"theme/{name} marks its change with dvk:"
    expected = lines((MATERIAL / name).read_text(encoding="utf-8"))
    for before, after in CHANGES[name]:
        assert expected.count(before) == 1, f"Material's {name} no longer has {before!r}"
        expected = expected.replace(before, after)
    assert lines(ours) == expected
