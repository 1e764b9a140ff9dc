"""What a data export draws on, loaded once: the tables (:mod:`caesar.exports.data`) and the
FollowTheMoney entities (:mod:`caesar.exports.ftm`) are both made from it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from caesar.cases.views import CaseView
from caesar.identify.views import MatchSummary, PartnerReport


@dataclass(frozen=True)
class DataSet:
    """Everything a data export may draw on."""

    cases: Sequence[CaseView]
    reports: Sequence[PartnerReport] = ()
    matches: Sequence[MatchSummary] = ()  # confirmed, for the reports above
