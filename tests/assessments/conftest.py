import datetime

import pytest

from iomhub import clock

TODAY = datetime.date(2026, 6, 15)


@pytest.fixture
def today():
    with clock.frozen(TODAY):
        yield TODAY


def date_fields(prefix, d):
    return {f"{prefix}_day": str(d.day), f"{prefix}_month": str(d.month), f"{prefix}_year": str(d.year)}
