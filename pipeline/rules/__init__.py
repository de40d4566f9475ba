"""Legal rule checks of a schema-valid record, one module per concern.

`run_checks(record, profile)` runs them all and returns every finding (never only the first).
Each finding has a stable id, a severity, a Chinese message with the actual numbers and the
threshold, the citation from the profile (`Profile.cite`) and the path of the field to fix.
The vote outcome (`pipeline.outcome.compute`) is computed once here and shared by the checks
that need to know who is elected.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..findings import Finding
from ..profile import Profile
from ..records import Record
from . import ballots, completeness, composition, deadlines, names, proxies, surplus, turnout

if TYPE_CHECKING:  # pragma: no cover
    from ..outcome import Outcome
    from ..stats import Stats

__all__ = ["run_checks", "CHECKS"]

# Checks that need only the record and the profile, in the order their findings are listed.
CHECKS = (
    deadlines.check,
    completeness.check,
    surplus.check,
    composition.check,
    proxies.check,
    ballots.check,
    names.check,
)


def run_checks(
    record: Record, profile: Profile, result: Outcome | None = None, figures: Stats | None = None
) -> list[Finding]:
    """All rule findings of a record under a profile; pass the outcome and statistics when already computed."""
    # Imported here: pipeline.outcome (and stats, reported through it) import pipeline.rules.profile.
    from .. import outcome as tally
    from .. import stats
    from . import reported

    findings: list[Finding] = []
    for check in CHECKS:
        findings += check(record, profile)
    result = result or tally.compute(record.data, profile)
    figures = figures or stats.compute_stats(record.data, result)
    findings += turnout.check(record, profile, result)
    findings += composition.elected_checks(record, profile, result)
    findings += reported.check(record, profile, result, figures)
    return findings
