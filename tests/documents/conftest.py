import datetime

import pytest

from iomhub import clock
from iomhub.cohort.models import Registration

TODAY = datetime.date(2026, 6, 15)


@pytest.fixture
def today():
    with clock.frozen(TODAY):
        yield TODAY


@pytest.fixture
def registered(partnership, today):
    for person in (partnership.ordinary, partnership.housing_case):
        Registration.objects.create(person=person, started_on=datetime.date(2026, 1, 5), rag="amber")
    return partnership


def stored_files() -> list[str]:
    """Every file in the documents storage (its directory, walked)."""
    import os

    from django.core.files.storage import storages

    root = storages["documents"].location
    return sorted(os.path.join(d, f) for d, _, files in os.walk(root) for f in files)
