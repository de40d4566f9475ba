"""Where the default templates and the schema are: the checkout's top-level folders, or inside an installed wheel.

In a checkout they are the repository's own `templates/` and `schemas/` (where users open and edit them); an
installed wheel carries them inside the package.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _folder(name: str) -> Path:
    checkout = _PACKAGE.parent / name
    return checkout if checkout.is_dir() else _PACKAGE / name


TEMPLATES_DIR = _folder("templates")
SCHEMAS_DIR = _folder("schemas")
