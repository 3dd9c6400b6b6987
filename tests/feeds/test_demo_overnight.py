"""The demo's overnight custody file (`make run`, issue 11): imported through the real import as the
coordinator, it shows each kind of outcome a coordinator meets: arrests linked by PNC ID and by
name and date of birth, a new person added, the two bad rows rejected with their line and reason,
nothing imported twice when loaded again; and three cohort members agreed to texts."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.core.management import call_command

from iomhub import clock
from iomhub.feeds.models import ArrestLink, ImportRun, LinkReview
from iomhub.notifications.models import TextConsent

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("at", [datetime.time(0, 5), datetime.time(23, 55)], ids=["just after midnight", "just before midnight"])
def test_the_demo_imports_last_nights_custody_file(db, at):
    """Whenever `make run` loads it: no arrest in the future, the same outcome."""
    out = io.StringIO()
    with clock.frozen(datetime.datetime.combine(datetime.date(2026, 12, 7), at)):
        call_command("demo", "--people", "60", stdout=out)
    run = ImportRun.objects.get()
    assert run.started_by.username == "coordinator" and run.finished_at is not None and not run.refused
    from iomhub.demo.overnight import overnight_file

    with clock.frozen(datetime.datetime.combine(datetime.date(2026, 12, 7), at)):
        rows = list(csv.DictReader(io.StringIO(overnight_file().decode())))
    assert run.rows == len(rows) == 16
    # Lines 2-8 give a PNC ID; 9-11 the exact name (in capitals) and date of birth; 12 a PNC ID with
    # another surname and date of birth; 13 a surname keyed differently; 14-15 two people new to IOM
    # Hub; 16 an impossible date; 17 an unknown code.
    methods = {link.line: link.method for link in ArrestLink.objects.filter(run=run)}
    assert all(methods[line] == "pnc" for line in range(2, 9)), methods
    assert all(methods[line] == "name-dob" for line in range(9, 12)), methods
    assert methods[14] == methods[15] == "created"
    review = LinkReview.objects.get(run=run, line=12)
    assert review.why == "The PNC ID agrees but neither the surname nor the date of birth does"
    assert 13 in methods or LinkReview.objects.filter(run=run, line=13).exists()
    assert {(r.line, r.column) for r in run.rejections.all()} == {(16, "date_of_birth"), (17, "offence_code")}
    assert (run.imported + run.review + run.rejected, run.rejected) == (16, 2)
    assert f"import {run.pk}" in out.getvalue()
    assert TextConsent.objects.filter(withdrawn_on__isnull=True).count() == 3
    call_command("demo", "--people", "60", "--if-empty", stdout=io.StringIO())  # make run again: nothing twice
    assert ImportRun.objects.count() == 1
