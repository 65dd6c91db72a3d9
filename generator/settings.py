"""The generator's settings, independent of MkDocs, so loading and checking can run alone."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from generator.model import FieldOfWork

DEFAULT_FIELDS = (
    FieldOfWork("kinh-te", "Kinh tế"),
    FieldOfWork("van-hoa-xa-hoi", "Văn hóa - xã hội"),
    FieldOfWork("quoc-phong-an-ninh", "Quốc phòng - an ninh"),
    FieldOfWork("xay-dung-he-thong-chinh-tri", "Xây dựng hệ thống chính trị"),
)
"""The four lĩnh vực every province reports under."""


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

    @property
    def entries_path(self) -> Path:
        """The absolute folder of entry files."""
        return self.content_dir / self.entries_dir

    def field_by_slug(self, slug: str) -> FieldOfWork | None:
        """The field with this slug, if the taxonomy has one."""
        return next((f for f in self.fields if f.slug == slug), None)
