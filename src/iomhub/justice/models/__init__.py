"""The justice record (issue 4): the offence catalogue, arrests, offences, court outcomes, warrants,
custody episodes, sentences with their computed dates, recalls and breaches of post-sentence
supervision.

IOM follows a person "irrespective of their position within the criminal justice system"
(seed 000 §2.3.5); the dates here decide the work (seed 002 §3-5). Every write goes through
``justice.services``; every read through ``justice.selectors``.

The models are split by part of the record (``events``, ``sentences``, ``conditions``, ``mappa``;
the screening table in ``screening_models``); this package is their one public name.
"""

from iomhub.justice.models.conditions import (
    DRUG_CONDITIONS,
    DRUG_TESTING,
    AdditionalCondition,
    LicenceCondition,
    PssRequirement,
    SupervisionConditions,
)
from iomhub.justice.models.events import (
    Arrest,
    ArrestOutcome,
    CourtOutcome,
    CustodyEpisode,
    Disposal,
    NeighbourhoodCrime,
    Offence,
    OffenceCode,
    Requirement,
    Warrant,
)
from iomhub.justice.models.mappa import MAPPA_LEVELS, MappaCategory, MappaManagement
from iomhub.justice.models.sentences import (
    COUNT_LIMITS,
    DATE_FIELDS,
    BreachOutcome,
    ProgressionModelExclusion,
    PssBreach,
    Recall,
    RecallKind,
    RecallType,
    Sentence,
    SentenceType,
)
from iomhub.justice.screening_models import ScreeningPeriod, ScreeningRebuild

__all__ = [
    "COUNT_LIMITS",
    "DATE_FIELDS",
    "DRUG_CONDITIONS",
    "DRUG_TESTING",
    "MAPPA_LEVELS",
    "AdditionalCondition",
    "Arrest",
    "ArrestOutcome",
    "BreachOutcome",
    "CourtOutcome",
    "CustodyEpisode",
    "Disposal",
    "LicenceCondition",
    "MappaCategory",
    "MappaManagement",
    "NeighbourhoodCrime",
    "Offence",
    "OffenceCode",
    "ProgressionModelExclusion",
    "PssBreach",
    "PssRequirement",
    "Recall",
    "RecallKind",
    "RecallType",
    "Requirement",
    "ScreeningPeriod",
    "ScreeningRebuild",
    "Sentence",
    "SentenceType",
    "SupervisionConditions",
    "Warrant",
]
