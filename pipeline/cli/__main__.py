"""`python -m pipeline.cli`: the same as the `huanjie` console script."""

from __future__ import annotations

from .commands import main

if __name__ == "__main__":  # pragma: no cover - run as a subprocess
    main()
