"""Old import path of `pipeline.archive.pdf` (Word → PDF/A-2b with LibreOffice), kept for the CLI and users."""

from .archive.pdf import *  # noqa: F403 - the same public names, listed once in archive/pdf.py
from .archive.pdf import __all__  # noqa: F401
