"""``iomhub.bulk_insert.insert_many`` writes exactly what ``bulk_create`` writes, on both databases,
for the values its per-field fast path could get wrong (issue 11, ADR 0037): an encrypted field
(sealed, ADR 0039), a null and a set foreign key, aware date-times in and out of UTC, a naive one,
JSON, an IP address, booleans, a ``TextChoices`` member and a lazy string in a text column, a
``datetime`` in a date column. The oracle is Django's own: ``bulk_create``'s rows read back, and
each field's ``get_db_prep_save`` for the values prepared."""

from __future__ import annotations

import datetime
import uuid
import warnings
import zoneinfo
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone
from django.utils.functional import lazy

from iomhub.access.models import AuditAction, AuditEvent, SignInFailure
from iomhub.bulk_insert import insert_many, prepared_rows
from iomhub.crypto.keys import decrypt
from iomhub.justice.models import Arrest, Offence, OffenceCode
from iomhub.people.models import Person

pytestmark = pytest.mark.django_db

LONDON = zoneinfo.ZoneInfo("Europe/London")
SUMMER = datetime.datetime(2026, 7, 1, 9, 30, 15, 123456, tzinfo=LONDON)
WINTER = datetime.datetime(2026, 1, 5, 23, 59, 59, tzinfo=datetime.UTC)
_lazy_text = lazy(lambda: "lazy surname", str)


def _people(team):
    return [
        Person(
            first_name="Aisha",
            last_name="Raw",
            date_of_birth=datetime.date(1990, 2, 3),
            religion="Buddhist",
            sexual_orientation="",
            managing_team=team,
            created_at=SUMMER,
            updated_at=WINTER,
            version=3,
        ),
        Person(
            first_name="Ben",
            last_name=_lazy_text(),
            date_of_birth=datetime.date(1985, 12, 31),
            religion="",
            sexual_orientation="Bisexual",
            managing_team=None,
            created_at=WINTER,
            updated_at=SUMMER,
        ),
    ]


def _events(person_id):
    return [
        AuditEvent(
            occurred_at=SUMMER,
            actor=None,
            action=AuditAction.CREATE,  # a TextChoices member: stored as its text
            object_type="arrest",
            object_id="12",
            person_id=person_id,
            changes={"section": "justice", "n": 3, "ok": True, "none": None, "list": ["a", 1.5], "nested": {"after": "2026-01-01"}},
            ip_address="192.0.2.7",
            user_agent="agent",
            request_id=str(uuid.UUID(int=5)),
        ),
        AuditEvent(occurred_at=WINTER, action="view", object_type="person", person_id=None, changes={}, ip_address=None),
    ]


def _failures():
    return [
        SignInFailure(username="someone", ip_address="2001:db8::1", occurred_at=SUMMER, cleared=True),
        SignInFailure(username="else", ip_address=None, occurred_at=WINTER, cleared=False),
    ]


def _stored(model, pks):
    """The rows as the ORM reads them back, without their ids (the order is the objects')."""
    names = [f.attname for f in model._meta.concrete_fields if not f.primary_key]
    by_pk = {row["pk"]: row for row in model.objects.filter(pk__in=pks).values("pk", *names)}
    return [{k: v for k, v in by_pk[pk].items() if k != "pk"} for pk in pks]


def _raw(model, column, pks):
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {connection.ops.quote_name(model._meta.pk.column)}, {connection.ops.quote_name(column)} FROM {table}")  # noqa: S608 - the model's own names
        found = dict(cursor.fetchall())
    return [found[pk] for pk in pks]


def _both(make):
    """The same objects written once by ``bulk_create`` and once by ``insert_many``: their pks."""
    model = type(make()[0])
    expected = model.objects.bulk_create(make())
    written = insert_many(make())
    assert all(obj.pk is not None and not obj._state.adding for obj in written)
    return [o.pk for o in expected], [o.pk for o in written]


def test_people_with_encrypted_fields_a_null_team_and_aware_times_are_stored_as_bulk_create_stores_them(partnership):
    expected, written = _both(lambda: _people(partnership.team))
    assert _stored(Person, written) == _stored(Person, expected)
    stored = _stored(Person, written)
    assert stored[0]["religion"] == "Buddhist" and stored[1]["sexual_orientation"] == "Bisexual"
    assert stored[0]["managing_team_id"] == partnership.team.pk and stored[1]["managing_team_id"] is None
    assert stored[0]["created_at"] == SUMMER and stored[1]["last_name"] == "lazy surname"
    # Sealed in the table itself, as bulk_create seals them (a fresh IV each time: compared opened).
    for column, index in (("religion", 0), ("sexual_orientation", 1)):
        raw_written, raw_expected = _raw(Person, column, written), _raw(Person, column, expected)
        assert raw_written[index].startswith("enc:v1:") and raw_expected[index].startswith("enc:v1:")
        assert decrypt(raw_written[index]) == decrypt(raw_expected[index])
        assert raw_written[1 - index] == raw_expected[1 - index] == ""


def test_audit_events_with_json_an_ip_address_and_no_actor_are_stored_as_bulk_create_stores_them(partnership):
    expected, written = _both(lambda: _events(partnership.ordinary.pk))
    assert _stored(AuditEvent, written) == _stored(AuditEvent, expected)
    first = _stored(AuditEvent, written)[0]
    assert first["changes"]["nested"] == {"after": "2026-01-01"} and first["ip_address"] == "192.0.2.7" and first["action"] == "create"


def test_booleans_and_ipv6_are_stored_as_bulk_create_stores_them(db):
    expected, written = _both(_failures)
    assert _stored(SignInFailure, written) == _stored(SignInFailure, expected)
    assert [r["cleared"] for r in _stored(SignInFailure, written)] == [True, False]


def test_an_offence_without_an_arrest_and_one_with_are_stored_as_bulk_create_stores_them(partnership):
    person = partnership.ordinary
    code = OffenceCode.objects.order_by("pk").first()
    arrest = Arrest.objects.create(person=person, arrested_on=datetime.date(2026, 3, 1), custody_suite="Suite", outcome="charge")

    def offences():
        return [
            Offence(person=person, code=code, committed_on=datetime.date(2026, 2, 1), arrest=None),
            Offence(person_id=person.pk, code_id=code.pk, committed_on=datetime.date(2026, 3, 1), arrest_id=arrest.pk),
        ]

    expected, written = _both(offences)
    leave_out = {"created_at"}  # auto_now_add: the moment each was written
    assert [{k: v for k, v in r.items() if k not in leave_out} for r in _stored(Offence, written)] == [
        {k: v for k, v in r.items() if k not in leave_out} for r in _stored(Offence, expected)
    ]
    assert all(r["created_at"] is not None for r in _stored(Offence, written))


def _comparable(value):
    """A prepared value as it would be written: psycopg's JSON and address wrappers by what they hold,
    a sealed value opened (a fresh IV each time)."""
    if hasattr(value, "obj"):  # psycopg's Jsonb
        return ("json", value.obj)
    if type(value).__name__ in {"Inet", "IPv4Address", "IPv6Address"}:
        return ("inet", str(value))
    if isinstance(value, str) and value.startswith("enc:v1:"):
        return ("sealed", decrypt(value))
    return value


def _by_django(objects):
    fields = list(type(objects[0])._meta.concrete_fields)
    return [[_comparable(f.get_db_prep_save(f.pre_save(o, True), connection)) for f in fields] for o in objects]


def _fast(objects):
    fields = list(type(objects[0])._meta.concrete_fields)
    return [[_comparable(v) for v in row] for row in prepared_rows(objects, fields)]


@pytest.mark.parametrize(
    "changes",
    [
        {"version": True},  # a bool in an integer column: prepared (1), not passed as True
        {"version": "7"},  # text in an integer column: prepared
        {"date_of_birth": datetime.datetime(1990, 2, 3, 23, 30, tzinfo=datetime.UTC)},  # a date-time in a date column
        {"created_at": datetime.datetime(2026, 7, 1, 9, 30)},  # naive: made aware, with Django's warning
        {"created_at": SUMMER, "updated_at": WINTER},
        {"last_name": _lazy_text(), "sex": Person._meta.get_field("sex").choices[0][0]},
        {"religion": "Sikh", "sexual_orientation": ""},
        {"managing_team": None},
        {"first_name": Decimal("1.50")},  # not text: prepared as Django does (str)
    ],
)
def test_each_value_prepared_is_what_its_fields_get_db_prep_save_makes_of_it(partnership, changes):
    people = _people(partnership.team)
    for person in people:
        for name, value in changes.items():
            setattr(person, name, value)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # the naive date-time's, raised by both
        assert _fast(people) == _by_django(people)


def test_a_naive_date_time_still_gets_djangos_warning_and_is_made_aware(partnership):
    person = _people(partnership.team)[0]
    person.created_at = datetime.datetime(2026, 7, 1, 9, 30)
    created_at = [f.attname for f in Person._meta.concrete_fields].index("created_at")
    with pytest.warns(RuntimeWarning, match="naive datetime"):
        row = next(prepared_rows([person], list(Person._meta.concrete_fields)))
    aware = timezone.make_aware(datetime.datetime(2026, 7, 1, 9, 30), timezone.get_default_timezone())
    assert row[created_at] == Person._meta.get_field("created_at").get_db_prep_save(aware, connection)


def test_audit_events_and_sign_in_failures_are_prepared_as_django_prepares_them(partnership):
    assert _fast(_events(partnership.ordinary.pk)) == _by_django(_events(partnership.ordinary.pk))
    assert _fast(_failures()) == _by_django(_failures())


def test_an_encrypted_value_is_never_passed_through_as_it_is(partnership):
    people = _people(partnership.team)
    religion = [f.attname for f in Person._meta.concrete_fields].index("religion")
    row = next(prepared_rows(people, list(Person._meta.concrete_fields)))
    assert row[religion] != "Buddhist" and decrypt(row[religion]) == "Buddhist"
