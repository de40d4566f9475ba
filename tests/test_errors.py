"""Every public exception of huanjie derives from `pipeline.errors.HuanjieError` and carries its exit code."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pipeline
from pipeline.errors import DATA, UNUSABLE, HuanjieError

# Control-flow signals inside the core, never shown to a user as an error.
SIGNALS = {"Waiting"}


def _public_exceptions() -> dict[str, type]:
    found: dict[str, type] = {}
    for info in pkgutil.walk_packages(pipeline.__path__, "pipeline."):
        if info.name.startswith(("pipeline.templates", "pipeline.schemas")):
            continue
        module = importlib.import_module(info.name)
        for name, obj in vars(module).items():
            if (
                inspect.isclass(obj)
                and issubclass(obj, BaseException)
                and obj.__module__ == info.name
                and not name.startswith("_")
                and name not in SIGNALS
            ):
                found[f"{info.name}.{name}"] = obj
    return found


def test_every_public_exception_has_the_one_base():
    found = _public_exceptions()
    assert len(found) >= 15
    strays = sorted(name for name, cls in found.items() if not issubclass(cls, HuanjieError))
    assert strays == []


def test_exit_codes():
    found = _public_exceptions()
    codes = {name.rsplit(".", 1)[1]: cls.code for name, cls in found.items()}
    assert codes["DataMissing"] == DATA
    assert codes["NothingToArchive"] == DATA
    assert codes["RenderError"] == UNUSABLE
    assert codes["BatchError"] == UNUSABLE
