"""Fixtures for the justice record: the shared partnership, a frozen clock, and helpers."""

from __future__ import annotations

import datetime

import pytest

from iomhub import clock
from iomhub.access.models import Role

TODAY = datetime.date(2026, 9, 1)  # before the progression model (1 October 2026); some tests move the clock on


@pytest.fixture
def today():
    with clock.frozen(TODAY):
        yield TODAY


@pytest.fixture
def officer(partnership):
    return partnership.users[Role.PROBATION_OFFICER]


@pytest.fixture
def person(partnership):
    return partnership.ordinary


@pytest.fixture
def signed_in(client, partnership):
    def _as(who):
        user = partnership.users[who]
        client.force_login(user)
        return user

    return _as
