"""The generator's settings, independent of MkDocs, so loading and checking can run alone."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from generator.core.model import FieldOfWork
from generator.core.press import PRESS_DIR, Contest

DEFAULT_FIELDS = (
    FieldOfWork("kinh-te", "Kinh tế"),
    FieldOfWork("van-hoa-xa-hoi", "Văn hóa - xã hội"),
    FieldOfWork("quoc-phong-an-ninh", "Quốc phòng - an ninh"),
    FieldOfWork("xay-dung-he-thong-chinh-tri", "Xây dựng hệ thống chính trị"),
)
"""The four lĩnh vực every province reports under."""


CACHE_DIR = Path(".cache") / "dvk"
"""The build cache, relative to the config file's folder, unless DVK_CACHE_DIR names one."""


def cache_dir(root: Path) -> Path:
    """The build cache for a project rooted at ``root``."""
    override = os.environ.get("DVK_CACHE_DIR")
    return Path(override) if override else root / CACHE_DIR


DEFAULT_AUTHOR = "Ban biên tập trang Dân vận khéo"
DEFAULT_LICENCE = "CC-BY-4.0"


@dataclass(frozen=True, slots=True)
class SiteInfo:
    """The site as citations, feeds, metadata and edit links name it."""

    name: str = "Dân vận khéo"
    url: str = ""
    """The public address, ending in "/"; empty when site_url is not configured."""
    author: str = DEFAULT_AUTHOR
    """Who is cited as the author of an entry page (đơn vị / tác giả)."""
    repo_url: str = ""
    edit_uri: str = ""
    """Path from repo_url to the content folder's edit view, e.g. edit/main/content/."""
    data_licence: str = DEFAULT_LICENCE
    """SPDX id of the licence of the open data and the entries' text."""

    def absolute(self, path: str) -> str:
        """The full URL of a site path ("mo-hinh/x/"); root-relative without site_url."""
        return (self.url or "/") + path

    def edit_url(self, rel_path: str) -> str:
        """Where an entry file (relative to the content folder) is edited; "" without repo_url."""
        if not (self.repo_url and self.edit_uri):
            return ""
        return self.repo_url.rstrip("/") + "/" + self.edit_uri.strip("/") + "/" + rel_path

    def version_url(self, rel_path: str, commit: str) -> str:
        """An entry file as it was at ``commit``: the edit view's path with "blob/<commit>"
        for "edit/<branch>" (GitHub and GitLab alike); "" without repo_url."""
        if not (self.repo_url and self.edit_uri):
            return ""
        parts = self.edit_uri.strip("/").split("/")
        if "edit" not in parts or parts.index("edit") + 1 >= len(parts):
            return ""
        at = parts.index("edit")
        parts[at:at + 2] = ["blob", commit]
        return self.repo_url.rstrip("/") + "/" + "/".join(parts) + "/" + rel_path

    def history_url(self, rel_path: str) -> str:
        """The commit history of an entry file: GitHub and GitLab name it "commits"."""
        edit = self.edit_url(rel_path)
        if not edit:
            return ""
        return edit.replace("/-/edit/", "/-/commits/", 1).replace("/edit/", "/commits/", 1)


@dataclass(frozen=True, slots=True)
class Settings:
    """Where the content is and how it is classified and paginated."""

    content_dir: Path
    """The content folder (MkDocs' docs_dir)."""
    entries_dir: str = "mo-hinh"
    """The folder, inside content_dir, that holds one file per model."""
    fields: tuple[FieldOfWork, ...] = DEFAULT_FIELDS
    page_size: int = 50
    root: Path = field(default_factory=Path.cwd)
    """Paths in messages are shown relative to this folder."""
    site: SiteInfo = field(default_factory=SiteInfo)
    """What citations, feeds and metadata say about the site itself."""
    reported: str = "so-lieu-bao-cao.yml"
    """The file of reported figures, relative to content_dir (generator/load/reported.py)."""
    press_dir: str = PRESS_DIR
    """The folder, inside content_dir, of press records (generator/load/press.py)."""
    contests: tuple[Contest, ...] = ()
    """The press contests articles may be filed under."""
    editor_backend: str = "github"
    """How the form-based editor at /quan-tri/ saves: "github" (each editor signs in to
    GitHub) or "git-gateway" (editors without a GitHub account: docs/editors.md)."""
    editor_auth_url: str = ""
    """The editor's sign-in server: GitHub's OAuth client, or the Git Gateway's address."""

    @property
    def entries_path(self) -> Path:
        """The absolute folder of entry files."""
        return self.content_dir / self.entries_dir

    @property
    def reported_path(self) -> Path:
        """The absolute path of the reported-figures file (it need not exist)."""
        return self.content_dir / self.reported

    @property
    def press_path(self) -> Path:
        """The absolute folder of press records (it need not exist)."""
        return self.content_dir / self.press_dir

    def field_by_slug(self, slug: str) -> FieldOfWork | None:
        """The field with this slug, if the taxonomy has one."""
        return next((f for f in self.fields if f.slug == slug), None)
