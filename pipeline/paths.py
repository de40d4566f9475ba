"""Where the default templates and the schema are: the repository's top-level folders in a
checkout (where users open and edit them), or inside the package in an installed wheel."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _folder(name: str) -> Path:
    checkout = _PACKAGE.parent / name
    return checkout if checkout.is_dir() else _PACKAGE / name


TEMPLATES_DIR = _folder("templates")
SCHEMAS_DIR = _folder("schemas")
