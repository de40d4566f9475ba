"""Legal rule checks of a schema-valid record, one module per concern.

`run_checks(record, profile, outcome, stats)` runs them all and returns every finding (never only the first).
Each finding has a stable id, a severity, a Chinese message with the actual numbers and the
threshold, the citation from the profile (`Profile.cite`) and the path of the field to fix.
The rules never compute the vote outcome or the statistics themselves: all four arguments are
required, and `pipeline.check.check_record` (the only way to an evaluated election) computes
them once and passes them in to the checks that need to know who is elected.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..findings import Finding
from ..profile import Profile
from ..records import Record
from . import (
    ballots,
    bodies,
    completeness,
    composition,
    deadlines,
    districts,
    names,
    placeholders,
    proxies,
    reported,
    roll,
    surplus,
    turnout,
)
from .appointments import check as appointments_check
from .gongtui import check as gongtui_check
from .relatives import check as relatives_check
from .rootcause import collapse

if TYPE_CHECKING:  # pragma: no cover
    from ..outcome import Outcome
    from ..stats import Stats

__all__ = ["run_checks", "CHECKS"]

# Checks that need only the record and the profile, in the order their findings are listed.
CHECKS = (
    deadlines.check,
    completeness.check,
    roll.check,
    surplus.check,
    composition.check,
    districts.check,
    proxies.check,
    ballots.check,
    names.check,
    placeholders.check,
    bodies.check,
)


def run_checks(record: Record, profile: Profile, outcome: Outcome, stats: Stats) -> list[Finding]:
    """All rule findings of a record under a profile, given its outcome and statistics (all required)."""
    findings: list[Finding] = []
    for check in CHECKS:
        findings += check(record, profile)
    findings += turnout.check(record, profile, outcome)
    findings += composition.elected_checks(record, profile, outcome)
    findings += relatives_check(record, profile, outcome)
    findings += reported.check(record, profile, outcome, stats)
    findings += appointments_check(record, profile, outcome)
    findings += gongtui_check(record, profile, outcome)
    findings += bodies.women_check(record, profile, outcome)
    return collapse(record, findings)
