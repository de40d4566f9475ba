"""The exceptions of huanjie archive and verify: every one a `HuanjieError` with a Chinese message and its exit code."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import DATA, HuanjieError

if TYPE_CHECKING:
    from .items import Refusal

__all__ = ["ArchiveError", "SettingsError", "PackageExists", "NothingToArchive", "PackageUnreadable"]


class ArchiveError(HuanjieError):
    """The package cannot be made at all (unusable input, settings or output); str() is Chinese."""


class SettingsError(ArchiveError):
    """The 档号 settings cannot be used; `problems` holds every (setting key, Chinese message) found."""

    def __init__(self, message: str, problems: list[tuple[str, str]] | None = None):
        super().__init__(message)
        self.problems = problems or []


class PackageExists(ArchiveError):
    """The package file is there already and --force was not given."""

    def __init__(self, path: str):
        super().__init__(f"数据包 {path} 已存在，未覆盖。如确需覆盖，请加 --force。")
        self.path = path


class NothingToArchive(ArchiveError):
    """Every unit was refused: no package is written."""

    code = DATA

    def __init__(self, refused: list[Refusal]):
        super().__init__("没有可以归档的文书：所有单位都未通过归档检查，未生成数据包。")
        self.refused = refused


class PackageUnreadable(ArchiveError):
    """The package is not a readable zip file; str() is Chinese."""
