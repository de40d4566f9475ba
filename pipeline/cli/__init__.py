"""The command line of huanjie (`huanjie = "pipeline.cli:main"`): the only part of the program that imports click.

* `commands` — the click commands: parse the input, call the core, print, map errors to exit codes;
* `progress` — the progress displays of batch and archive;
* `text` — the outcome and the statistics as plain text (`render_text`, `summary_lines`);
* `i18n` — Chinese texts for click's own messages, installed when the command runs.
"""

from __future__ import annotations

from .commands import main

__all__ = ["main"]
