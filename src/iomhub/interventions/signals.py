"""Every drug test on the timeline has its record, whichever way it was entered (ADR 0024).

The drug-test form and ``/api/v1/people/<id>/drug-tests`` record the test and its visit together
(``services.drug_test_record``). A drug test entered on the timeline alone with its summary (the
timeline API's ``drug_result``, ``substances_tested``, ``positive_for``) gets its record here, when
the entry is saved: the substances, each positive or negative, the sample not recorded.
"""

from __future__ import annotations

import contextvars
from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from iomhub.casework.models import TimelineEntry

# Set while ``services.drug_test_record`` writes the visit, which records the test itself.
recording_test: contextvars.ContextVar[bool] = contextvars.ContextVar("recording_drug_test", default=False)


@receiver(post_save, sender=TimelineEntry, dispatch_uid="interventions-drug-test-record")
def drug_test_for_timeline_entry(sender: type, instance: TimelineEntry, created: bool, raw: bool = False, **kwargs: Any) -> None:
    if raw or not created or recording_test.get():
        return
    from iomhub.interventions.services import drug_test_from_entry

    drug_test_from_entry(acting_user=instance.recorded_by, entry=instance)
