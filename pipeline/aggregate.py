"""Former home of the tree and its work summaries; now `pipeline.batch.tree` and `pipeline.batch.summaries`.

Kept so ``from pipeline.aggregate import discover, summarise …`` (the CLI, users' scripts) keeps working.
"""

from __future__ import annotations

from .batch.summaries import (
    SummaryOutcome,
    UnitDigest,
    digest_record,
    level_names,
    made_by_huanjie,
    render_digests,
    render_level,
    summarise,
    untouched,
)
from .batch.tree import SUFFIXES, SUMMARY_FILE, SourceProblem, TreeFold, common_root, discover, folder_of

__all__ = [
    "SUMMARY_FILE",
    "SUFFIXES",
    "SourceProblem",
    "discover",
    "folder_of",
    "common_root",
    "TreeFold",
    "made_by_huanjie",
    "untouched",
    "level_names",
    "render_digests",
    "render_level",
    "digest_record",
    "UnitDigest",
    "SummaryOutcome",
    "summarise",
]
