"""A Red Alert at once (issue 11 §5): whenever a warrant is recorded (on the Justice tab, through the
API, by any service), ``feeds.alerts.red_alert`` queues the alerts in the same transaction, so a
warrant that is rolled back alerts nobody. Queued as the feeds' system account: the warrant's own
audit event names who recorded it."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from iomhub.justice.models import Warrant


@receiver(post_save, sender=Warrant, dispatch_uid="feeds-red-alert")
def warrant_recorded(sender: type[Warrant], instance: Warrant, created: bool, raw: bool = False, **kwargs: Any) -> None:
    if not created or raw:
        return
    from iomhub.feeds.alerts import red_alert

    red_alert(instance)
