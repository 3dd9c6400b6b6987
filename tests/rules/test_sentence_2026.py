"""Release dates under the Sentencing Act 2026 (issue 10): the progression model for sentences
imposed from 1 October 2026 (s.23), the transition tranches for people already serving, the end
of adult HDC (s.26) and of top-up supervision (s.34), and 56-day fixed-term recall (s.32).

Every table row is one of the Ministry of Justice calculate-release-dates-api's own test files
(reference/release-dates-2026.md §0: commit cd827b070be94ec8414eac63df1b09173d9e315b of
2026-08-20), named by its path under src/test/resources/test_data/overall_calculation/, with the
expected dates of the same path under overall_calculation_response/. The inputs are the fixture's:
"isActiveSexOffender" is ``hdc_excluded``, an SDS40 exclusion flag (SEXUAL, VIOLENT, NATIONAL_SECURITY)
is ``sds40_excluded``, "isSection250" the S250 types, "isSDSPlus" the SDS+ types; REMAND, TAGGED_BAIL
and UNLAWFULLY_AT_LARGE adjustments are summed. CRDS produces no top-up supervision date in any of them.
"""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iomhub.rules.recall import FTR56_TRANCHES, fixed_term_recall, ftr56_tranche
from iomhub.rules.sentence import (
    PROGRESSION_MODEL_TRANCHES,
    progression_model_tranche,
    sentence_dates,
    sentence_end,
)

D = dt.date
NOT_COMPARED = "not compared"

# Sentences imposed on or after 1 October 2026: 18 here, two more whose booking's other sentence sets the
# expiry (test_the_release_date_of_a_sentence_of_2026_or_2027_in_a_booking), and crs-2817-ac5-1 refused
# (test_refusals_say_why).
NEW_SENTENCES = [
    (
        "progression-model/crs-2504-ac1-8a",
        dict(sentenced_on=D(2026, 10, 2), offence_committed_on=D(2026, 10, 2), date_of_birth=D(2000, 1, 1), months=20, hdc_excluded=True),
        "CRD",
        D(2027, 4, 22),
        D(2028, 6, 1),
        None,
    ),
    (
        "progression-model/crs-2506-ac1-1",
        dict(sentenced_on=D(2026, 10, 24), offence_committed_on=D(2026, 10, 24), date_of_birth=D(2009, 1, 1), years=2, hdc_excluded=True),
        "CRD",
        D(2027, 6, 24),
        D(2028, 10, 23),
        None,
    ),
    (
        "progression-model/crs-2506-ac1-2",
        dict(sentenced_on=D(2027, 3, 2), offence_committed_on=D(2027, 3, 2), date_of_birth=D(2009, 1, 1), years=3, hdc_excluded=True),
        "CRD",
        D(2028, 3, 1),
        D(2030, 3, 1),
        None,
    ),
    (
        "progression-model/crs-2506-ac2-1",
        dict(sentenced_on=D(2026, 11, 4), offence_committed_on=D(2026, 11, 4), date_of_birth=D(2009, 1, 1), years=5, sentence_type="SDS+"),
        "CRD",
        D(2029, 5, 4),
        D(2031, 11, 3),
        None,
    ),
    (
        "progression-model/crs-2649-ac1-5",
        dict(
            sentenced_on=D(2026, 10, 27), offence_committed_on=D(2026, 10, 27), date_of_birth=D(2000, 1, 1), months=36, sentence_type="S250"
        ),
        "CRD",
        D(2028, 1, 8),
        D(2029, 10, 26),
        D(2027, 6, 4),
    ),
    (
        "progression-model/crs-2656-ac8-1a",
        dict(
            sentenced_on=D(2026, 10, 10),
            offence_committed_on=D(2026, 10, 10),
            date_of_birth=D(2000, 1, 1),
            years=3,
            sds40_excluded=True,
            hdc_excluded=True,
        ),
        "CRD",
        D(2027, 10, 10),
        D(2029, 10, 9),
        None,
    ),
    (
        "progression-model/crs-2657-ac3-2",
        dict(sentenced_on=D(2026, 10, 12), offence_committed_on=D(2026, 10, 12), date_of_birth=D(2000, 1, 1), years=2, hdc_excluded=True),
        "CRD",
        D(2027, 6, 12),
        D(2028, 10, 11),
        None,
    ),
    (
        "progression-model/crs-2663-ac3-3a",
        dict(
            sentenced_on=D(2026, 10, 1),
            offence_committed_on=D(2026, 10, 1),
            date_of_birth=D(2000, 1, 1),
            months=12,
            unlawfully_at_large_days=3,
            hdc_excluded=True,
        ),
        "CRD",
        D(2027, 2, 2),
        D(2027, 10, 3),
        None,
    ),
    (
        "progression-model/crs-2694-ac1-2",
        dict(sentenced_on=D(2026, 10, 12), offence_committed_on=D(2015, 1, 18), date_of_birth=D(2000, 1, 1), months=10, hdc_excluded=True),
        "CRD",
        D(2027, 1, 21),
        D(2027, 8, 11),
        None,
    ),
    (
        "progression-model/crs-2713-ac4-1",
        dict(sentenced_on=D(2026, 10, 5), offence_committed_on=D(2026, 10, 5), date_of_birth=D(2000, 1, 1), years=2, hdc_excluded=True),
        "CRD",
        D(2027, 6, 5),
        D(2028, 10, 4),
        None,
    ),
    (
        "progression-model/sds-sentenced-after-commencement",
        dict(
            sentenced_on=D(2026, 10, 1),
            offence_committed_on=D(2019, 12, 7),
            date_of_birth=D(1990, 1, 1),
            years=12,
            sds40_excluded=True,
            hdc_excluded=True,
        ),
        "CRD",
        D(2030, 9, 30),
        D(2038, 9, 30),
        None,
    ),
    # Concurrent sentences in the fixture: the dates are those of the controlling sentence shown here.
    (
        "progression-model/crs-2506-ac2-2 (the 4-year SDS+)",
        dict(
            sentenced_on=D(2026, 12, 5),
            offence_committed_on=D(2026, 12, 5),
            date_of_birth=D(2009, 1, 1),
            years=4,
            remand_days=100,
            sentence_type="SDS+",
        ),
        "CRD",
        D(2028, 8, 26),
        D(2030, 8, 26),
        None,
    ),
    (
        "progression-model/crs-2652-ac2-1a (the 48-month SDS)",
        dict(
            sentenced_on=D(2026, 10, 3),
            offence_committed_on=D(2026, 10, 3),
            date_of_birth=D(2000, 1, 1),
            months=48,
            remand_days=39,
            hdc_excluded=True,
        ),
        "CRD",
        D(2027, 12, 24),
        D(2030, 8, 24),
        None,
    ),
    (
        "progression-model/crs-2503-ac6-1a (the 6-year SDS+)",
        dict(
            sentenced_on=D(2026, 11, 3),
            offence_committed_on=D(2026, 11, 3),
            date_of_birth=D(2000, 1, 1),
            years=6,
            sentence_type="SDS+",
            hdc_excluded=True,
        ),
        "CRD",
        D(2029, 11, 2),
        D(2032, 11, 2),
        None,
    ),
    (
        "progression-model/crs-2713-ac4-2 (the 2-year SDS)",
        dict(sentenced_on=D(2026, 10, 5), offence_committed_on=D(2026, 10, 5), date_of_birth=D(2000, 1, 1), years=2, hdc_excluded=True),
        "CRD",
        D(2027, 6, 5),
        D(2028, 10, 4),
        None,
    ),
    (
        "progression-model/crs-2503-ac1-7a (the 9-year SDS)",
        dict(sentenced_on=D(2026, 10, 3), offence_committed_on=D(2026, 10, 3), date_of_birth=D(2000, 1, 1), years=9, hdc_excluded=True),
        "CRD",
        D(2029, 10, 2),
        D(2035, 10, 2),
        None,
    ),
    # s.250 detention keeps SDS40: 40 per cent, one half with an SDS40 exclusion. The fixtures' HDC dates differ
    # from ours (ADR 0002: HDC excludes sentences of 4 years or more; crs-2506-ac1-3 has an adult sentence too).
    (
        "progression-model/crs-2649-ac2-3",
        dict(
            sentenced_on=D(2026, 11, 9),
            offence_committed_on=D(2026, 11, 9),
            date_of_birth=D(2000, 1, 1),
            years=4,
            sentence_type="S250",
            sds40_excluded=True,
        ),
        "CRD",
        D(2028, 11, 8),
        D(2030, 11, 8),
        NOT_COMPARED,
    ),
    (
        "progression-model/crs-2506-ac1-3 (the s.250)",
        dict(
            sentenced_on=D(2026, 11, 20),
            offence_committed_on=D(2026, 11, 20),
            date_of_birth=D(2009, 1, 1),
            years=3,
            sentence_type="S250",
            hdc_excluded=True,
        ),
        "CRD",
        D(2028, 2, 1),
        D(2029, 11, 19),
        None,
    ),
]

# Sentences imposed before 1 October 2026: the tranches, SDS40 and the exclusions that keep the earlier rules.
SERVING_SENTENCES = [
    (
        "progression-model/crs-2503-ac1-10",
        dict(sentenced_on=D(2024, 5, 23), offence_committed_on=D(2024, 5, 23), date_of_birth=D(2000, 1, 1), years=18, hdc_excluded=True),
        "CRD",
        D(2030, 5, 23),
        D(2042, 5, 22),
        None,
    ),
    (
        "progression-model/crs-2503-ac1-4a",
        dict(
            sentenced_on=D(2024, 10, 25),
            offence_committed_on=D(2024, 10, 25),
            date_of_birth=D(2000, 1, 1),
            years=4,
            months=11,
            hdc_excluded=True,
        ),
        "CRD",
        D(2026, 10, 13),
        D(2029, 9, 24),
        None,
    ),
    (
        "progression-model/crs-2504-ac1-2",
        dict(
            sentenced_on=D(2024, 9, 19),
            offence_committed_on=D(2024, 9, 19),
            date_of_birth=D(2000, 1, 1),
            years=3,
            months=9,
            sds40_excluded=True,
            hdc_excluded=True,
        ),
        "CRD",
        D(2026, 8, 4),
        D(2028, 6, 18),
        None,
    ),
    (
        "progression-model/crs-2504-ac1-6",
        dict(
            sentenced_on=D(2023, 9, 4),
            offence_committed_on=D(2023, 9, 4),
            date_of_birth=D(2000, 1, 1),
            years=5,
            sentence_type="SDS+",
            hdc_excluded=True,
        ),
        "CRD",
        D(2027, 1, 3),
        D(2028, 9, 3),
        None,
    ),
    (
        "progression-model/crs-2504-ac1-8",
        dict(sentenced_on=D(2026, 9, 2), offence_committed_on=D(2026, 9, 2), date_of_birth=D(2000, 1, 1), months=20, hdc_excluded=True),
        "CRD",
        D(2027, 3, 23),
        D(2028, 5, 1),
        None,
    ),
    (
        "progression-model/crs-2504-ac2-2",
        dict(
            sentenced_on=D(2023, 6, 21),
            offence_committed_on=D(2023, 6, 21),
            date_of_birth=D(2000, 1, 1),
            years=7,
            sentence_type="SDS+",
            hdc_excluded=True,
        ),
        "CRD",
        D(2027, 2, 9),
        D(2030, 6, 20),
        None,
    ),
    (
        "progression-model/crs-2504-ac3-3",
        dict(
            sentenced_on=D(2025, 10, 6),
            offence_committed_on=D(2025, 7, 12),
            date_of_birth=D(2000, 1, 1),
            months=74,
            sentence_type="SDS+",
            hdc_excluded=True,
        ),
        "CRD",
        D(2028, 11, 4),
        D(2031, 12, 5),
        None,
    ),
    (
        "progression-model/crs-2626-ac1-1",
        dict(
            sentenced_on=D(2024, 9, 23),
            offence_committed_on=D(2024, 9, 23),
            date_of_birth=D(2000, 1, 1),
            years=5,
            remand_days=20,
            hdc_excluded=True,
        ),
        "CRD",
        D(2026, 9, 3),
        D(2029, 9, 2),
        None,
    ),
    (
        "progression-model/crs-2626-ac3-1",
        dict(
            sentenced_on=D(2026, 3, 25),
            offence_committed_on=D(2026, 3, 25),
            date_of_birth=D(2000, 1, 1),
            years=2,
            remand_days=50,
            unlawfully_at_large_days=10,
            hdc_excluded=True,
        ),
        "CRD",
        D(2026, 10, 14),
        D(2028, 2, 13),
        None,
    ),
    (
        "progression-model/crs-2626-ac4-1",
        dict(
            sentenced_on=D(2025, 6, 3),
            offence_committed_on=D(2025, 6, 3),
            date_of_birth=D(2000, 1, 1),
            weeks=223,
            unlawfully_at_large_days=6,
            hdc_excluded=True,
        ),
        "CRD",
        D(2026, 12, 8),
        D(2029, 9, 16),
        None,
    ),
    (
        "progression-model/crs-2649-ac3-2",
        dict(
            sentenced_on=D(2026, 9, 18),
            offence_committed_on=D(2026, 9, 18),
            date_of_birth=D(2000, 1, 1),
            years=8,
            sentence_type="S250+",
            sds40_excluded=True,
        ),
        "CRD",
        D(2032, 1, 17),
        D(2034, 9, 17),
        None,
    ),
    (
        "progression-model/crs-2649-ac4-1",
        dict(
            sentenced_on=D(2026, 8, 14), offence_committed_on=D(2026, 8, 14), date_of_birth=D(2009, 2, 12), months=10, sentence_type="S250"
        ),
        "ARD",
        D(2026, 12, 13),
        D(2027, 6, 13),
        D(2026, 10, 14),
    ),
    (
        "progression-model/crs-2652-ac1-1",
        dict(
            sentenced_on=D(2024, 9, 23),
            offence_committed_on=D(2024, 9, 23),
            date_of_birth=D(2000, 1, 1),
            years=5,
            remand_days=23,
            hdc_excluded=True,
        ),
        "CRD",
        D(2026, 8, 31),
        D(2029, 8, 30),
        None,
    ),
    (
        "progression-model/crs-2652-ac1-2",
        dict(
            sentenced_on=D(2024, 9, 23),
            offence_committed_on=D(2024, 9, 23),
            date_of_birth=D(2000, 1, 1),
            years=5,
            remand_days=20,
            hdc_excluded=True,
        ),
        "CRD",
        D(2026, 9, 3),
        D(2029, 9, 2),
        None,
    ),
    (
        "progression-model/crs-2652-ac1-2a",
        dict(
            sentenced_on=D(2024, 9, 23),
            offence_committed_on=D(2024, 9, 23),
            date_of_birth=D(2000, 1, 1),
            years=5,
            months=3,
            remand_days=20,
            hdc_excluded=True,
        ),
        "CRD",
        D(2026, 10, 9),
        D(2029, 12, 2),
        None,
    ),
    (
        "progression-model/crs-2652-ac1-3",
        dict(
            sentenced_on=D(2025, 6, 16),
            offence_committed_on=D(2025, 6, 16),
            date_of_birth=D(2000, 1, 1),
            years=5,
            remand_days=35,
            hdc_excluded=True,
        ),
        "CRD",
        D(2027, 1, 12),
        D(2030, 5, 11),
        None,
    ),
    (
        "progression-model/crs-2656-ac2-1",
        dict(
            sentenced_on=D(2024, 10, 25),
            offence_committed_on=D(2024, 10, 25),
            date_of_birth=D(2000, 1, 1),
            years=4,
            sds40_excluded=True,
            hdc_excluded=True,
            progression_model_exclusion="schedule-13-part-3",
        ),
        "CRD",
        D(2026, 10, 25),
        D(2028, 10, 24),
        None,
    ),
    (
        "progression-model/crs-2656-ac8-1",
        dict(
            sentenced_on=D(2026, 9, 2),
            offence_committed_on=D(2026, 9, 2),
            date_of_birth=D(2000, 1, 1),
            years=3,
            sds40_excluded=True,
            hdc_excluded=True,
            progression_model_exclusion="schedule-13-part-3",
        ),
        "CRD",
        D(2028, 3, 2),
        D(2029, 9, 1),
        None,
    ),
    (
        "progression-model/crs-2657-ac1-1",
        dict(
            sentenced_on=D(2026, 3, 12),
            offence_committed_on=D(2026, 3, 12),
            date_of_birth=D(2000, 1, 1),
            years=4,
            sds40_excluded=True,
            hdc_excluded=True,
            progression_model_exclusion="schedule-13-part-3",
        ),
        "CRD",
        D(2028, 3, 11),
        D(2030, 3, 11),
        None,
    ),
    (
        "progression-model/crs-2657-ac1-2-1",
        dict(sentenced_on=D(2025, 6, 9), offence_committed_on=D(2025, 6, 9), date_of_birth=D(2000, 1, 1), years=3, hdc_excluded=True),
        "CRD",
        D(2026, 8, 21),
        D(2028, 6, 8),
        None,
    ),
    (
        "progression-model/crs-2657-ac1-2-2",
        dict(sentenced_on=D(2025, 6, 13), offence_committed_on=D(2025, 6, 13), date_of_birth=D(2000, 1, 1), months=40, hdc_excluded=True),
        "CRD",
        D(2026, 10, 13),
        D(2028, 10, 12),
        None,
    ),
    (
        "progression-model/crs-2657-ac1-3",
        dict(
            sentenced_on=D(2025, 10, 20),
            offence_committed_on=D(2025, 10, 20),
            date_of_birth=D(2000, 1, 1),
            months=40,
            remand_days=73,
            hdc_excluded=True,
        ),
        "CRD",
        D(2026, 12, 8),
        D(2028, 12, 8),
        None,
    ),
    (
        "progression-model/crs-2657-ac1-9a",
        dict(
            sentenced_on=D(2026, 8, 31),
            offence_committed_on=D(2026, 8, 31),
            date_of_birth=D(2000, 1, 1),
            days=590,
            remand_days=200,
            hdc_excluded=True,
        ),
        "CRD",
        D(2026, 10, 5),
        D(2027, 9, 24),
        None,
    ),
    (
        "progression-model/crs-2657-ac2-1",
        dict(sentenced_on=D(2026, 5, 4), offence_committed_on=D(2015, 1, 18), date_of_birth=D(2000, 1, 1), months=11, hdc_excluded=True),
        "ARD",
        D(2026, 9, 14),
        D(2027, 4, 3),
        None,
    ),
    (
        "progression-model/crs-2657-ac2-1a",
        dict(sentenced_on=D(2026, 6, 4), offence_committed_on=D(2015, 1, 18), date_of_birth=D(2000, 1, 1), months=11, hdc_excluded=True),
        "CRD",
        D(2026, 10, 1),
        D(2027, 5, 3),
        None,
    ),
    (
        "progression-model/crs-2657-ac2-4",
        dict(
            sentenced_on=D(2026, 6, 1),
            offence_committed_on=D(2026, 6, 1),
            date_of_birth=D(2000, 1, 1),
            years=5,
            sds40_excluded=True,
            hdc_excluded=True,
        ),
        "CRD",
        D(2028, 1, 30),
        D(2031, 5, 31),
        None,
    ),
    (
        "progression-model/crs-2663-ac1-1",
        dict(
            sentenced_on=D(2026, 3, 25),
            offence_committed_on=D(2026, 3, 25),
            date_of_birth=D(2000, 1, 1),
            years=2,
            remand_days=50,
            unlawfully_at_large_days=10,
            hdc_excluded=True,
        ),
        "CRD",
        D(2026, 10, 14),
        D(2028, 2, 13),
        None,
    ),
    (
        "progression-model/crs-2663-ac1-10",
        dict(
            sentenced_on=D(2024, 10, 22),
            offence_committed_on=D(2024, 10, 22),
            date_of_birth=D(2000, 1, 1),
            months=60,
            unlawfully_at_large_days=4,
            hdc_excluded=True,
        ),
        "CRD",
        D(2026, 10, 26),
        D(2029, 10, 25),
        None,
    ),
    (
        "progression-model/crs-2663-ac1-2",
        dict(
            sentenced_on=D(2025, 4, 18),
            offence_committed_on=D(2025, 4, 18),
            date_of_birth=D(2000, 1, 1),
            months=60,
            unlawfully_at_large_days=14,
            hdc_excluded=True,
        ),
        "CRD",
        D(2027, 1, 12),
        D(2030, 5, 1),
        None,
    ),
    (
        "progression-model/crs-2663-ac1-3",
        dict(
            sentenced_on=D(2025, 9, 1),
            offence_committed_on=D(2025, 9, 1),
            date_of_birth=D(2000, 1, 1),
            months=30,
            unlawfully_at_large_days=5,
            hdc_excluded=True,
        ),
        "CRD",
        D(2026, 9, 5),
        D(2028, 3, 5),
        None,
    ),
    (
        "progression-model/crs-2663-ac1-3a",
        dict(
            sentenced_on=D(2025, 9, 30),
            offence_committed_on=D(2025, 9, 30),
            date_of_birth=D(2000, 1, 1),
            months=30,
            unlawfully_at_large_days=5,
            hdc_excluded=True,
        ),
        "CRD",
        D(2026, 10, 4),
        D(2028, 4, 3),
        None,
    ),
    (
        "progression-model/crs-2663-ac1-5",
        dict(
            sentenced_on=D(2025, 8, 29),
            offence_committed_on=D(2025, 8, 29),
            date_of_birth=D(2000, 1, 1),
            months=30,
            unlawfully_at_large_days=4,
            hdc_excluded=True,
        ),
        "CRD",
        D(2026, 9, 2),
        D(2028, 3, 3),
        None,
    ),
    (
        "progression-model/crs-2663-ac1-5a",
        dict(
            sentenced_on=D(2025, 9, 29),
            offence_committed_on=D(2025, 9, 29),
            date_of_birth=D(2000, 1, 1),
            months=30,
            unlawfully_at_large_days=4,
            hdc_excluded=True,
        ),
        "CRD",
        D(2026, 10, 2),
        D(2028, 4, 1),
        None,
    ),
    (
        "progression-model/crs-2663-ac1-6",
        dict(
            sentenced_on=D(2008, 5, 14),
            offence_committed_on=D(2008, 5, 14),
            date_of_birth=D(2000, 1, 1),
            months=48,
            unlawfully_at_large_days=6617,
            hdc_excluded=True,
        ),
        "CRD",
        D(2027, 10, 25),
        D(2030, 6, 25),
        None,
    ),
    (
        "progression-model/crs-2663-ac1-7",
        dict(
            sentenced_on=D(2026, 8, 29),
            offence_committed_on=D(2026, 8, 29),
            date_of_birth=D(2000, 1, 1),
            months=66,
            unlawfully_at_large_days=3,
            hdc_excluded=True,
        ),
        "CRD",
        D(2028, 7, 1),
        D(2032, 3, 2),
        None,
    ),
    (
        "progression-model/crs-2663-ac1-8",
        dict(
            sentenced_on=D(2024, 11, 10),
            offence_committed_on=D(2024, 11, 10),
            date_of_birth=D(2000, 1, 1),
            years=7,
            remand_days=69,
            unlawfully_at_large_days=3,
            sds40_excluded=True,
            hdc_excluded=True,
        ),
        "CRD",
        D(2027, 2, 9),
        D(2031, 9, 4),
        None,
    ),
    (
        "progression-model/crs-2663-ac1-9",
        dict(
            sentenced_on=D(2024, 4, 13),
            offence_committed_on=D(2024, 4, 13),
            date_of_birth=D(2000, 1, 1),
            years=10,
            unlawfully_at_large_days=56,
            hdc_excluded=True,
        ),
        "CRD",
        D(2027, 10, 8),
        D(2034, 6, 7),
        None,
    ),
    (
        "progression-model/crs-2663-ac2-8",
        dict(
            sentenced_on=D(2025, 10, 9),
            offence_committed_on=D(2025, 10, 9),
            date_of_birth=D(2000, 1, 1),
            years=3,
            unlawfully_at_large_days=6,
            sentence_type="S250",
            hdc_excluded=True,
        ),
        "CRD",
        D(2026, 12, 27),
        D(2028, 10, 14),
        None,
    ),
    (
        "progression-model/crs-2663-ac3-1",
        dict(
            sentenced_on=D(2025, 2, 23),
            offence_committed_on=D(2025, 2, 23),
            date_of_birth=D(2000, 1, 1),
            months=48,
            unlawfully_at_large_days=4,
            hdc_excluded=True,
        ),
        "CRD",
        D(2026, 10, 4),
        D(2029, 2, 26),
        None,
    ),
    (
        "progression-model/crs-2663-ac3-2",
        dict(
            sentenced_on=D(2024, 8, 27),
            offence_committed_on=D(2024, 8, 27),
            date_of_birth=D(2000, 1, 1),
            months=88,
            unlawfully_at_large_days=6,
            hdc_excluded=True,
        ),
        "CRD",
        D(2027, 2, 11),
        D(2032, 1, 1),
        None,
    ),
    (
        "progression-model/crs-2663-ac3-3",
        dict(
            sentenced_on=D(2026, 9, 2),
            offence_committed_on=D(2026, 9, 2),
            date_of_birth=D(2000, 1, 1),
            months=12,
            unlawfully_at_large_days=3,
            hdc_excluded=True,
        ),
        "CRD",
        D(2027, 1, 4),
        D(2027, 9, 4),
        None,
    ),
    (
        "progression-model/crs-2663-ac3-4",
        dict(
            sentenced_on=D(2023, 11, 29),
            offence_committed_on=D(2023, 11, 29),
            date_of_birth=D(2000, 1, 1),
            years=7,
            tagged_bail_days=13,
            unlawfully_at_large_days=3,
            sentence_type="SDS+",
            hdc_excluded=True,
        ),
        "CRD",
        D(2027, 5, 20),
        D(2030, 11, 18),
        None,
    ),
    (
        "progression-model/crs-2663-ac3-5",
        dict(
            sentenced_on=D(2025, 8, 14),
            offence_committed_on=D(2025, 8, 14),
            date_of_birth=D(2000, 1, 1),
            months=40,
            unlawfully_at_large_days=9,
            hdc_excluded=True,
        ),
        "CRD",
        D(2026, 12, 8),
        D(2028, 12, 22),
        None,
    ),
    (
        "progression-model/crs-2663-ac3-6",
        dict(
            sentenced_on=D(2026, 8, 25),
            offence_committed_on=D(2026, 8, 25),
            date_of_birth=D(2000, 1, 1),
            years=5,
            unlawfully_at_large_days=39,
            hdc_excluded=True,
        ),
        "CRD",
        D(2028, 6, 2),
        D(2031, 10, 2),
        None,
    ),
    (
        "progression-model/crs-2673-ac1-1a",
        dict(
            sentenced_on=D(2025, 12, 5),
            offence_committed_on=D(2025, 12, 4),
            date_of_birth=D(2000, 1, 1),
            years=3,
            months=8,
            sentence_type="S250",
        ),
        "CRD",
        D(2027, 5, 24),
        D(2029, 8, 4),
        D(2026, 8, 30),
    ),
    (
        "progression-model/crs-2673-ac2-2a",
        dict(sentenced_on=D(2025, 12, 3), offence_committed_on=D(2025, 12, 2), date_of_birth=D(2000, 1, 1), years=2, months=6),
        "CRD",
        D(2026, 11, 10),
        D(2028, 6, 2),
        D(2026, 6, 4),
    ),
    (
        "progression-model/crs-2694-ac1-1",
        dict(sentenced_on=D(2026, 5, 1), offence_committed_on=D(2015, 1, 18), date_of_birth=D(2000, 1, 1), months=11, hdc_excluded=True),
        "ARD",
        D(2026, 9, 11),
        D(2027, 3, 31),
        None,
    ),
    (
        "progression-model/crs-2694-ac1-1a",
        dict(sentenced_on=D(2026, 6, 1), offence_committed_on=D(2015, 1, 18), date_of_birth=D(2000, 1, 1), months=11, hdc_excluded=True),
        "CRD",
        D(2026, 10, 1),
        D(2027, 4, 30),
        None,
    ),
    (
        "progression-model/crs-2694-ac1-5",
        dict(
            sentenced_on=D(2026, 8, 29),
            offence_committed_on=D(2014, 10, 13),
            date_of_birth=D(2000, 1, 1),
            months=10,
            unlawfully_at_large_days=4,
            hdc_excluded=True,
        ),
        "CRD",
        D(2026, 12, 12),
        D(2027, 7, 2),
        None,
    ),
    (
        "progression-model/crs-2713-ac1-3",
        dict(
            sentenced_on=D(2026, 2, 5),
            offence_committed_on=D(2026, 2, 5),
            date_of_birth=D(2000, 1, 1),
            years=5,
            sds40_excluded=True,
            hdc_excluded=True,
        ),
        "CRD",
        D(2027, 10, 6),
        D(2031, 2, 4),
        None,
    ),
    (
        "progression-model/crs-2713-ac2-1",
        dict(
            sentenced_on=D(2026, 2, 2),
            offence_committed_on=D(2026, 2, 2),
            date_of_birth=D(2000, 1, 1),
            years=4,
            months=6,
            sentence_type="SDS+",
            hdc_excluded=True,
        ),
        "CRD",
        D(2028, 5, 2),
        D(2030, 8, 1),
        None,
    ),
    (
        "progression-model/crs-2736-ac1-1",
        dict(
            sentenced_on=D(2026, 8, 3),
            offence_committed_on=D(2026, 8, 3),
            date_of_birth=D(2000, 1, 1),
            months=48,
            remand_days=500,
            hdc_excluded=True,
        ),
        "CRD",
        D(2026, 10, 26),
        D(2029, 3, 20),
        None,
    ),
    (
        "progression-model/crs-2736-ac1-5",
        dict(
            sentenced_on=D(2026, 6, 3),
            offence_committed_on=D(2026, 6, 3),
            date_of_birth=D(2000, 1, 1),
            months=48,
            remand_days=500,
            hdc_excluded=True,
        ),
        "CRD",
        D(2026, 8, 26),
        D(2029, 1, 18),
        None,
    ),
    (
        "progression-model/crs-2750-ac1-1",
        dict(
            sentenced_on=D(2026, 3, 2),
            offence_committed_on=D(2025, 1, 1),
            date_of_birth=D(2000, 1, 1),
            days=574,
            unlawfully_at_large_days=5,
            hdc_excluded=True,
        ),
        "CRD",
        D(2026, 10, 1),
        D(2027, 10, 1),
        None,
    ),
    (
        "progression-model/crs-2750-ac10-1",
        dict(sentenced_on=D(2026, 3, 2), offence_committed_on=D(2026, 3, 2), date_of_birth=D(2000, 1, 1), days=4397, hdc_excluded=True),
        "CRD",
        D(2030, 3, 6),
        D(2038, 3, 15),
        None,
    ),
    (
        "progression-model/crs-2750-ac3-2",
        dict(sentenced_on=D(2026, 3, 2), offence_committed_on=D(2025, 1, 1), date_of_birth=D(2000, 1, 1), days=1162, hdc_excluded=True),
        "CRD",
        D(2027, 3, 24),
        D(2029, 5, 6),
        None,
    ),
    (
        "progression-model/crs-2750-ac4-2",
        dict(
            sentenced_on=D(2026, 3, 2),
            offence_committed_on=D(2026, 3, 2),
            date_of_birth=D(2000, 1, 1),
            days=1561,
            remand_days=300,
            hdc_excluded=True,
        ),
        "CRD",
        D(2026, 12, 8),
        D(2029, 8, 13),
        None,
    ),
    (
        "progression-model/crs-2750-ac5-1",
        dict(sentenced_on=D(2026, 3, 2), offence_committed_on=D(2026, 3, 2), date_of_birth=D(2000, 1, 1), days=1562, hdc_excluded=True),
        "CRD",
        D(2027, 8, 4),
        D(2030, 6, 10),
        None,
    ),
    (
        "progression-model/crs-2750-ac5-2",
        dict(sentenced_on=D(2026, 3, 2), offence_committed_on=D(2026, 3, 2), date_of_birth=D(2000, 1, 1), days=2121, hdc_excluded=True),
        "CRD",
        D(2028, 2, 6),
        D(2031, 12, 21),
        None,
    ),
    (
        "progression-model/crs-2750-ac6-1",
        dict(sentenced_on=D(2026, 3, 2), offence_committed_on=D(2026, 3, 2), date_of_birth=D(2000, 1, 1), days=2122, hdc_excluded=True),
        "CRD",
        D(2028, 2, 7),
        D(2031, 12, 22),
        None,
    ),
    (
        "progression-model/crs-2750-ac6-2",
        dict(sentenced_on=D(2026, 3, 2), offence_committed_on=D(2026, 3, 2), date_of_birth=D(2000, 1, 1), days=2758, hdc_excluded=True),
        "CRD",
        D(2028, 9, 6),
        D(2033, 9, 18),
        None,
    ),
    (
        "progression-model/crs-2750-ac7-1",
        dict(sentenced_on=D(2026, 3, 2), offence_committed_on=D(2026, 3, 2), date_of_birth=D(2000, 1, 1), days=2759, hdc_excluded=True),
        "CRD",
        D(2028, 9, 6),
        D(2033, 9, 19),
        None,
    ),
    (
        "progression-model/crs-2750-ac7-2",
        dict(sentenced_on=D(2026, 3, 2), offence_committed_on=D(2026, 3, 2), date_of_birth=D(2000, 1, 1), days=3283, hdc_excluded=True),
        "CRD",
        D(2029, 2, 28),
        D(2035, 2, 25),
        None,
    ),
    (
        "progression-model/crs-2750-ac8-1",
        dict(sentenced_on=D(2026, 3, 2), offence_committed_on=D(2026, 3, 2), date_of_birth=D(2000, 1, 1), days=3284, hdc_excluded=True),
        "CRD",
        D(2029, 2, 28),
        D(2035, 2, 26),
        None,
    ),
    (
        "progression-model/crs-2750-ac8-2",
        dict(sentenced_on=D(2026, 3, 2), offence_committed_on=D(2026, 3, 2), date_of_birth=D(2000, 1, 1), days=3654, hdc_excluded=True),
        "CRD",
        D(2029, 7, 1),
        D(2036, 3, 2),
        None,
    ),
    (
        "progression-model/crs-2750-ac9-1",
        dict(sentenced_on=D(2026, 3, 2), offence_committed_on=D(2026, 3, 2), date_of_birth=D(2000, 1, 1), days=3655, hdc_excluded=True),
        "CRD",
        D(2029, 7, 2),
        D(2036, 3, 3),
        None,
    ),
    (
        "progression-model/crs-2750-ac9-2",
        dict(sentenced_on=D(2026, 3, 2), offence_committed_on=D(2026, 3, 2), date_of_birth=D(2000, 1, 1), days=4396, hdc_excluded=True),
        "CRD",
        D(2030, 3, 6),
        D(2038, 3, 14),
        None,
    ),
    (
        "progression-model/crs-2761-bug-single-sentence",
        dict(
            sentenced_on=D(2026, 5, 27),
            offence_committed_on=D(2024, 12, 2),
            date_of_birth=D(2000, 1, 1),
            years=7,
            months=9,
            remand_days=540,
        ),
        "CRD",
        D(2027, 7, 5),
        D(2032, 9, 4),
        None,
    ),
    (
        "progression-model/crs-2775-post-progression",
        dict(
            sentenced_on=D(2024, 1, 25),
            offence_committed_on=D(2023, 9, 28),
            date_of_birth=D(1990, 1, 1),
            months=21,
            remand_days=118,
            unlawfully_at_large_days=820,
        ),
        "CRD",
        D(2026, 10, 13),
        D(2027, 9, 26),
        D(2026, 6, 5),
    ),
    (
        "progression-model/crs-2817-ac1-2",
        dict(
            sentenced_on=D(2026, 5, 26),
            offence_committed_on=D(2026, 5, 26),
            date_of_birth=D(2009, 1, 1),
            months=27,
            remand_days=193,
            sds40_excluded=True,
            hdc_excluded=True,
        ),
        "CRD",
        D(2026, 10, 13),
        D(2028, 2, 14),
        None,
    ),
    (
        "progression-model/sds-plus-sentenced-after-commencement",
        dict(
            sentenced_on=D(2026, 9, 2),
            offence_committed_on=D(2019, 12, 7),
            date_of_birth=D(1990, 1, 1),
            years=12,
            sentence_type="SDS+",
            sds40_excluded=True,
        ),
        "CRD",
        D(2032, 9, 1),
        D(2038, 9, 1),
        None,
    ),
]


def _check(inputs, rtype, release, expiry, hdced):
    result = sentence_dates(**inputs)
    assert (result.release_type, result.release_date, result.expiry_date) == (rtype, release, expiry)
    if hdced != NOT_COMPARED:
        assert result.hdced == hdced
    assert result.tused is None or result.tused < D(2026, 5, 8)  # CRDS: no TUSED; ours only before the repeal (ADR 0011)
    assert result.breakdown
    return result


@pytest.mark.parametrize("fixture, inputs, rtype, release, expiry, hdced", NEW_SENTENCES, ids=[c[0] for c in NEW_SENTENCES])
def test_sentences_from_1_october_2026_match_the_fixture(fixture, inputs, rtype, release, expiry, hdced):
    result = _check(inputs, rtype, release, expiry, hdced)
    assert result.tused is None
    if inputs.get("sentence_type", "SDS").startswith("S250"):
        assert not result.progression_model
        assert any("outside the progression model" in line for line in result.breakdown)
    else:
        assert result.progression_model
        assert any("Sentencing Act 2026 s.23" in line for line in result.breakdown)


@pytest.mark.parametrize(
    "fixture, inputs, release",
    [
        # A 40-month SDS of 5 March 2027 concurrent with a 6-year one of 2024, whose expiry (21 July 2030) is the booking's.
        ("progression-model/crs-2686-ac1-3", dict(sentenced_on=D(2027, 3, 5), months=40), D(2028, 4, 13)),
        # An S250+ of 7 years (two thirds) concurrent with an SDS+ of 8 years of 2 January 2027, whose expiry is the booking's.
        ("progression-model/crs-2506-ac2-4", dict(sentenced_on=D(2026, 12, 5), years=7, sentence_type="S250+"), D(2031, 8, 5)),
    ],
)
def test_the_release_date_of_a_sentence_of_2026_or_2027_in_a_booking(fixture, inputs, release):
    result = sentence_dates(offence_committed_on=inputs["sentenced_on"], date_of_birth=D(2000, 1, 1), **inputs)
    assert result.release_date == release


@pytest.mark.parametrize("fixture, inputs, rtype, release, expiry, hdced", SERVING_SENTENCES, ids=[c[0] for c in SERVING_SENTENCES])
def test_sentences_being_served_on_1_october_2026_match_the_fixture(fixture, inputs, rtype, release, expiry, hdced):
    _check(inputs, rtype, release, expiry, hdced)


# (fixture, sentence length as imposed, return to custody, SLED, expected release) - FTR56, no
# adjustments after the return to custody (UAL before it moves only the SLED, crs-2465-ac1-3).
FTR56_FIXTURES = [
    ("ftr-56/crs-2465-ac1-1 (no tranche)", dict(sentenced_on=D(2026, 5, 1), years=2), D(2027, 4, 8), D(2028, 4, 30), D(2027, 6, 2)),
    ("ftr-56/crs-2465-ac1-2 (no tranche)", dict(sentenced_on=D(2025, 6, 2), years=3), D(2026, 10, 9), D(2028, 6, 1), D(2026, 12, 3)),
    (
        "ftr-56/crs-2465-ac1-3 (UAL before return)",
        dict(sentenced_on=D(2023, 11, 23), years=5),
        D(2026, 5, 14),
        D(2029, 2, 19),
        D(2026, 7, 8),
    ),
    ("ftr-56/crs-2465-ac1-4 (tranche 1)", dict(sentenced_on=D(2024, 9, 11), years=3), D(2026, 1, 13), D(2027, 9, 10), D(2026, 3, 31)),
    (
        "ftr-56/crs-2465-ac1-5 (returned on 31 March)",
        dict(sentenced_on=D(2023, 7, 2), years=5),
        D(2026, 3, 31),
        D(2028, 7, 17),
        D(2026, 5, 25),
    ),
    (
        "ftr-56/crs-2465-ac1-6 (returned on 31 March)",
        dict(sentenced_on=D(2023, 5, 13), years=5),
        D(2026, 3, 31),
        D(2028, 5, 12),
        D(2026, 5, 25),
    ),
    ("ftr-56/crs-2467-ac1 (no tranche)", dict(sentenced_on=D(2022, 2, 2), years=6), D(2026, 4, 18), D(2028, 2, 7), D(2026, 6, 12)),
    ("ftr-56/crs-2467-ac4-2 (tranche 3)", dict(sentenced_on=D(2022, 11, 12), years=7), D(2025, 12, 3), D(2029, 11, 11), D(2026, 4, 21)),
    (
        "ftr-56/crs-2467-ac6 (tranche 5)",
        dict(sentenced_on=D(2021, 3, 30), years=9, months=3),
        D(2025, 8, 18),
        D(2030, 8, 27),
        D(2026, 5, 5),
    ),
    ("ftr-56/crs-2467-ac7 (tranche 6)", dict(sentenced_on=D(2020, 8, 16), years=13), D(2026, 1, 19), D(2033, 8, 15), D(2026, 5, 12)),
    (
        "ftr-56/crs-2462-ac3 (capped at the SLED)",
        dict(sentenced_on=D(2023, 9, 13), months=39),
        D(2026, 11, 14),
        D(2026, 12, 21),
        D(2026, 12, 21),
    ),
    (
        "progression-model/crs-2686-ac1-1 (RTC + 55)",
        dict(sentenced_on=D(2025, 12, 3), months=30),
        D(2026, 11, 8),
        D(2028, 6, 2),
        D(2027, 1, 2),
    ),
]


def _length(sentenced_on, **term):
    return (sentence_end(sentence_date=sentenced_on, **term) - sentenced_on).days + 1


@pytest.mark.parametrize("fixture, sentence, returned, sled, release", FTR56_FIXTURES, ids=[c[0] for c in FTR56_FIXTURES])
def test_ftr56_matches_the_fixture(fixture, sentence, returned, sled, release):
    result = fixed_term_recall(recall_type="FTR56", returned_to_custody_on=returned, sled=sled, sentence_length_days=_length(**sentence))
    assert (result.recall_days, result.release_date) == (56, release)
    assert any("s.255BA" in line for line in result.breakdown)
    assert any("tranche" in line for line in result.breakdown) is (returned <= D(2026, 3, 31))


@pytest.mark.parametrize(
    "fixture, recall_type, under_12, returned, sled, release",
    [
        ("custom-examples/crs-2145-ac2", "FTR14", True, D(2024, 12, 27), D(2025, 5, 19), D(2025, 1, 9)),
        ("custom-examples/crs-2367-ac-8", "FTR28", False, D(2026, 6, 2), D(2027, 3, 15), D(2026, 6, 29)),
    ],
)
def test_young_offender_fixed_term_recalls_stay_14_and_28_days(fixture, recall_type, under_12, returned, sled, release):
    result = fixed_term_recall(
        recall_type=recall_type, returned_to_custody_on=returned, sled=sled, sentence_length_days=240 if under_12 else 548
    )
    assert result.release_date == release


@pytest.mark.parametrize(
    "returned, revoked, length, release, tranche",
    [
        (D(2026, 3, 31), None, 1827, D(2026, 5, 25), True),  # returned on the last day: tranche 2 (14 April) is earlier than RTC + 55
        (D(2026, 4, 1), None, 1827, D(2026, 5, 26), False),  # the day after: no tranche
        (D(2026, 3, 10), None, 5000, D(2026, 5, 12), True),  # tranche 6 (over 4438 days) holds RTC + 55 (4 May) to 12 May
        (D(2026, 3, 10), None, 4438, D(2026, 5, 5), True),  # tranche 5's limit, inclusive: 5 May
        (D(2026, 3, 10), D(2026, 3, 10), 5000, D(2026, 5, 12), True),
        (
            D(2026, 3, 31),
            D(2026, 3, 31),
            1827,
            D(2026, 5, 25),
            False,
        ),  # revoked on 31 March: no tranche (FTR56TrancheSelectionStrategy.kt L30-46)
    ],
)
def test_ftr56_tranche_applies_to_returns_by_31_march_2026(returned, revoked, length, release, tranche):
    result = fixed_term_recall(
        recall_type="FTR56", returned_to_custody_on=returned, sled=D(2030, 12, 31), sentence_length_days=length, revoked_on=revoked
    )
    assert result.release_date == release
    assert any("FTR56 tranche" in line for line in result.breakdown) is tranche


@pytest.mark.parametrize("number", range(len(FTR56_TRANCHES) - 1))
def test_ftr56_tranche_limits_are_inclusive(number):
    limit, day = FTR56_TRANCHES[number]
    assert ftr56_tranche(sentence_length_days=limit) == (number + 1, day)
    assert ftr56_tranche(sentence_length_days=limit + 1) == (number + 2, FTR56_TRANCHES[number + 1][1])


@pytest.mark.parametrize("number", range(len(PROGRESSION_MODEL_TRANCHES) - 1))
def test_each_progression_model_tranche_limit_moves_release_to_its_own_date(number):
    """A sentence of exactly the limit is in the tranche; one day more is in the next. Sentenced so
    the one-third point falls the day before the tranche date and the earlier rules' release after
    the next tranche's date, the release is the tranche date (SDSProgressionModelFinalDatesService.kt)."""
    limit, day = PROGRESSION_MODEL_TRANCHES[number]
    next_day = PROGRESSION_MODEL_TRANCHES[number + 1][1]
    assert limit is not None
    for length, expected in ((limit, day), (limit + 1, next_day)):
        sentenced = day - dt.timedelta(days=-(-length // 3))  # the one-third point is then day - 1
        assert progression_model_tranche(length_days=length)[1] == expected
        result = sentence_dates(sentenced_on=sentenced, offence_committed_on=sentenced, date_of_birth=D(1990, 1, 1), days=length)
        assert result.release_date == expected, (length, sentenced)
        assert result.tranche_date == expected
        assert any(f"release moved to the tranche date {expected}" in line for line in result.breakdown)


@pytest.mark.parametrize(
    "sentenced, exclusion, release",
    [
        (D(2026, 9, 30), "schedule-13-part-3", D(2028, 3, 30)),  # the day before: Schedule 13 Part 3 keeps one half
        (D(2026, 10, 1), "schedule-13-part-3", D(2027, 10, 1)),  # from commencement it does not exclude: one third
        (D(2026, 9, 30), "would-be-sds-plus", D(2028, 3, 30)),
        (D(2026, 9, 30), "", D(2027, 9, 30)),  # already serving: one third from tranche 3 (10 November 2026)
        (D(2026, 10, 1), "", D(2027, 10, 1)),
    ],
)
def test_30_september_and_1_october_2026(sentenced, exclusion, release):
    # 3 years, an SDS40 exclusion (national security): crs-2656-ac8-1 and -ac8-1a at the commencement boundary.
    result = sentence_dates(
        sentenced_on=sentenced,
        offence_committed_on=sentenced,
        date_of_birth=D(1990, 1, 1),
        years=3,
        sds40_excluded=True,
        progression_model_exclusion=exclusion,
    )
    assert result.release_date == release
    assert result.progression_model is (release.year == 2027)


def test_a_short_sentence_of_30_september_released_before_1_october_keeps_the_earlier_rules():
    result = sentence_dates(sentenced_on=D(2026, 9, 30), offence_committed_on=D(2026, 9, 1), date_of_birth=D(1990, 1, 1), days=2)
    assert (result.release_date, result.progression_model) == (D(2026, 9, 30), False)


@pytest.mark.parametrize(
    "sentenced, hdced",
    [(D(2026, 8, 1), D(2026, 9, 1)), (D(2026, 8, 2), None)],
    ids=["HDC date 1 September 2026: kept", "2 September 2026: adult HDC ended"],
)
def test_adult_hdc_ends_for_dates_from_2_september_2026(sentenced, hdced):
    # 5 months: 153 days, release after 62 days (40 per cent), HDC after max(28, 31) = 31 days (CJA 2003 s.246)
    result = sentence_dates(sentenced_on=sentenced, offence_committed_on=sentenced, date_of_birth=D(1990, 1, 1), months=5)
    assert result.hdced == hdced
    if hdced is None:
        assert any("adult HDC ended" in line for line in result.breakdown)


def test_s250_detention_keeps_hdc_after_2_september_2026():
    result = sentence_dates(
        sentenced_on=D(2026, 10, 27), offence_committed_on=D(2026, 10, 27), date_of_birth=D(2010, 1, 1), months=10, sentence_type="S250"
    )
    assert result.hdced is not None and result.hdced > D(2026, 9, 2)


def test_adults_sentenced_from_1_october_2026_have_no_hdc_or_top_up_supervision():
    result = sentence_dates(sentenced_on=D(2026, 10, 20), offence_committed_on=D(2026, 10, 1), date_of_birth=D(1990, 1, 1), months=10)
    assert (result.hdced, result.tused) == (None, None)
    assert any("SA 2026 s.26" in line for line in result.breakdown)
    assert any("s.34" in line for line in result.breakdown)


def test_unlawfully_at_large_days_move_release_and_expiry():
    base = dict(sentenced_on=D(2026, 10, 20), offence_committed_on=D(2026, 10, 1), date_of_birth=D(1990, 1, 1), months=12)
    plain, away = sentence_dates(**base), sentence_dates(**base, unlawfully_at_large_days=10)
    assert away.release_date - plain.release_date == away.expiry_date - plain.expiry_date == dt.timedelta(days=10)


@pytest.mark.parametrize(
    "change, message",
    [
        # progression-model/crs-2817-ac5-1 and crs-2817-ac1-3: routed to manual calculation in production.
        (
            {"sentenced_on": D(2026, 10, 20), "progression_model_exclusion": "sa2026-schedule"},
            "excluded-offences schedule.*enter the prison's dates",
        ),
        (
            {"sentenced_on": D(2026, 5, 1), "progression_model_exclusion": "sa2026-schedule"},
            "serving on 1 October 2026.*enter the prison's dates",
        ),
        ({"sentenced_on": D(2026, 10, 20), "progression_model_exclusion": "would-be-sds-plus"}, "record it as SDS\\+"),
        ({"progression_model_exclusion": "other"}, "progression_model_exclusion must be one of"),
        ({"sentence_type": "EDS"}, "sentence_type 'EDS': not supported"),
        ({"unlawfully_at_large_days": -1}, "unlawfully_at_large_days must be 0 or more"),
        ({"sds40_excluded": "yes"}, "sds40_excluded must be True or False"),
    ],
)
def test_refusals_say_why(change, message):
    base = dict(sentenced_on=D(2026, 10, 20), offence_committed_on=D(2026, 5, 1), date_of_birth=D(1990, 1, 1), years=5, sds40_excluded=True)
    with pytest.raises(ValueError, match=message):
        sentence_dates(**{**base, **change})


def test_a_schedule_offence_released_before_1_october_2026_is_calculated():
    result = sentence_dates(
        sentenced_on=D(2026, 5, 1),
        offence_committed_on=D(2026, 5, 1),
        date_of_birth=D(1990, 1, 1),
        months=6,
        progression_model_exclusion="sa2026-schedule",
    )
    assert result.release_date < D(2026, 10, 1)


@pytest.mark.parametrize(
    "change, message",
    [
        ({"recall_type": "FTR48"}, "recall_type must be one of FTR14, FTR28, FTR56, not 'FTR48'"),
        ({"recall_type": None}, "recall_type must be one of"),
        ({"sentence_length_days": 0}, "sentence_length_days must be 1 or more"),
        ({"revoked_on": D(2026, 6, 3)}, r"revoked_on \(2026-06-03\) is after returned_to_custody_on"),
        ({"returned_to_custody_on": D(2027, 3, 16)}, r"returned_to_custody_on \(2027-03-16\) is after the sled"),
    ],
)
def test_an_impossible_recall_is_refused_naming_the_input(change, message):
    base = dict(recall_type="FTR56", returned_to_custody_on=D(2026, 6, 2), sled=D(2027, 3, 15), sentence_length_days=730)
    with pytest.raises(ValueError, match=message):
        fixed_term_recall(**{**base, **change})


TYPES = st.sampled_from(["SDS", "SDS+", "S250", "S250+"])
TERMS = st.tuples(st.integers(0, 15), st.integers(0, 11), st.integers(0, 30)).filter(lambda t: any(t))


@given(st.dates(min_value=D(2023, 1, 1), max_value=D(2028, 12, 31)), TERMS, st.integers(0, 400), st.integers(0, 100), TYPES, st.booleans())
def test_release_is_never_before_the_sentence_date_nor_after_expiry(sentenced, term, remand, ual, sentence_type, excluded):
    years, months, days = term
    length = _length(sentenced, years=years, months=months, days=days)
    if remand >= length:
        remand = length - 1
    result = sentence_dates(
        sentenced_on=sentenced,
        offence_committed_on=sentenced,
        date_of_birth=D(1990, 1, 1),
        years=years,
        months=months,
        days=days,
        remand_days=remand,
        unlawfully_at_large_days=ual,
        sentence_type=sentence_type,
        sds40_excluded=excluded,
    )
    assert sentenced <= result.release_date <= result.expiry_date
    if result.hdced is not None:
        assert sentenced <= result.hdced <= result.release_date


@given(st.dates(min_value=D(2023, 1, 1), max_value=D(2028, 12, 31)), TERMS, st.integers(0, 200), st.booleans())
def test_one_third_is_never_later_than_one_half(sentenced, term, remand, excluded):
    """SDS (one third) and SDS+ (one half) for the same sentence; and, for a sentence being served
    on 1 October 2026, the progression model never releases later than the earlier rules did."""
    years, months, days = term
    length = _length(sentenced, years=years, months=months, days=days)
    remand = min(remand, length - 1)
    base = dict(
        sentenced_on=sentenced,
        offence_committed_on=sentenced,
        date_of_birth=D(1990, 1, 1),
        years=years,
        months=months,
        days=days,
        remand_days=remand,
        sds40_excluded=excluded,
    )
    sds, plus = sentence_dates(**base), sentence_dates(**base, sentence_type="SDS+")
    assert sds.release_date <= plus.release_date
    if sentenced >= D(2026, 10, 1):
        assert sds.release_date == max(sentenced, sentenced + dt.timedelta(days=-(-length // 3) - 1 - remand))
        assert plus.release_date == max(sentenced, sentenced + dt.timedelta(days=-(-length // 2) - 1 - remand))
    else:
        earlier = sentence_dates(**base, progression_model_exclusion="would-be-sds-plus")
        assert sds.release_date <= earlier.release_date
        if sds.progression_model and sds.release_date != earlier.release_date:
            assert sds.release_date >= sds.tranche_date


@given(
    st.dates(min_value=D(2025, 1, 1), max_value=D(2028, 12, 31)),
    st.integers(1, 5000),
    st.sampled_from(["FTR14", "FTR28", "FTR56"]),
    st.integers(0, 4000),
)
def test_a_fixed_term_recall_ends_between_the_return_and_the_sled(returned, length, recall_type, licence_left):
    sled = returned + dt.timedelta(days=licence_left)
    result = fixed_term_recall(recall_type=recall_type, returned_to_custody_on=returned, sled=sled, sentence_length_days=length)
    assert returned <= result.release_date <= sled
    assert result.release_date <= max(returned + dt.timedelta(days=result.recall_days - 1), ftr56_tranche(sentence_length_days=length)[1])
