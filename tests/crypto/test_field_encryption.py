"""Special-category fields are encrypted at rest (issue 13 §5, ADR 0039).

The oracles read the database with plain SQL (no code under test) and the backup through the
backup format's own reader; the list of encrypted columns below is written out by hand, so dropping
a field from encryption fails a test rather than silently changing what the tests cover.
"""

from __future__ import annotations

import datetime
import io
import json

import pytest
from django.apps import apps
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, models, transaction
from django.test import override_settings
from django.utils import timezone

from iomhub.access import audit_triggers
from iomhub.access.models import AuditEvent, Role
from iomhub.access.services import api_token_issue
from iomhub.casework.models import CaseRecord
from iomhub.cohort.models import Registration
from iomhub.crypto.changes import open_changes, sealed_keys
from iomhub.crypto.keys import PREFIX, key_id, new_key
from iomhub.crypto.rotation import Tally, encrypted_columns, rewrite_all, rewrite_audit_changes, seal, unseal
from iomhub.operations import backup_file as backup_format
from iomhub.people.models import Person
from iomhub.people.services import person_update
from tests.operations.test_backup import empty_the_database

pytestmark = pytest.mark.django_db

# What ADR 0039 encrypts (table, column), written out independently of the models.
EXPECTED = {
    ("people_person", "religion"),
    ("people_person", "sexual_orientation"),
    ("casework_caserecord", "safeguarding_notes"),
    ("casework_casechange", "old_value"),
    ("casework_casechange", "new_value"),
    ("assessments_alcoholscreening", "notes"),
    ("assessments_briefadvice", "goals"),
    ("assessments_dashchecklist", "judgement_reasons"),
    ("assessments_maracreferral", "notes"),
    ("assessments_treatmentoutcomesprofile", "notes"),
    ("assessments_treatmentoutcomesprofile", "other_drug"),
    ("interventions_drugtest", "notes"),
    ("interventions_orderreview", "notes"),
    ("interventions_orderreview", "tests_summary"),
}
SECRET = "Secret-Marker-{}-h9"


def _filled(model, person, user, made):
    """One row of ``model`` with every required field given a plain value, each encrypted field
    a marker naming its column, and any other required parent made the same way."""
    values = {}
    for f in model._meta.concrete_fields:
        if (model._meta.db_table, f.column) in EXPECTED:
            values[f.name] = SECRET.format(f.column)
        elif f.primary_key or f.has_default() or f.null or f.blank:
            continue
        elif isinstance(f, models.ForeignKey):
            target = f.related_model
            if target is Person:
                values[f.name] = person
            elif target._meta.label == "access.User":
                values[f.name] = user
            elif target._meta.label == "access.Organisation":
                values[f.name] = user.organisation
            else:
                values[f.name] = made.get(target) or _filled(target, person, user, made)
        elif f.choices:
            values[f.name] = f.choices[0][0]
        elif isinstance(f, models.BooleanField):
            values[f.name] = False
        elif isinstance(f, (models.IntegerField, models.DecimalField)):
            values[f.name] = 1
        elif isinstance(f, models.DateTimeField):
            values[f.name] = timezone.now()
        elif isinstance(f, models.DateField):
            values[f.name] = datetime.date(2026, 11, 2)
        elif isinstance(f, models.JSONField):
            values[f.name] = []
        else:
            values[f.name] = "x"
    made[model] = model.objects.create(**values)
    return made[model]


@pytest.fixture
def sealed(partnership):
    """A row in every table with an encrypted column, each holding its marker."""
    person, user = partnership.ordinary, partnership.users[Role.PROBATION_OFFICER]
    made: dict = {}
    for label in sorted({t for t, _ in EXPECTED}):
        model = next(m for m in apps.get_models() if m._meta.db_table == label)
        if model is Person:
            Person.objects.filter(pk=person.pk).update(
                religion=SECRET.format("religion"), sexual_orientation=SECRET.format("sexual_orientation")
            )
        elif model not in made:
            _filled(model, person, user, made)
    return partnership


def raw(table: str, column: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {connection.ops.quote_name(column)} FROM {connection.ops.quote_name(table)}")  # noqa: S608 - from EXPECTED
        return [r[0] for r in cursor.fetchall() if r[0]]


def test_the_encrypted_columns_are_the_special_category_fields():
    found = {(table, column) for table, _, columns in encrypted_columns(apps.get_models()) for column in columns}
    assert found == EXPECTED


def test_a_raw_read_of_the_database_shows_no_special_category_value(sealed):
    for table, column in EXPECTED:
        values = raw(table, column)
        assert values, (table, column)
        for value in values:
            assert value.startswith(PREFIX) and "Secret-Marker" not in value, (table, column, value)


def test_the_application_reads_them_back(sealed):
    person = Person.objects.get(pk=sealed.ordinary.pk)
    assert person.religion == SECRET.format("religion")
    assert CaseRecord.objects.get(person=person).safeguarding_notes == SECRET.format("safeguarding_notes")
    for table, column in EXPECTED:
        model = next(m for m in apps.get_models() if m._meta.db_table == table)
        name = next(f.name for f in model._meta.concrete_fields if f.column == column)
        assert SECRET.format(column) in model.objects.values_list(name, flat=True), (table, column)


def test_the_person_page_and_the_api_show_them_in_clear(sealed, client):
    officer = sealed.users[Role.POLICE_IOM_OFFICER]
    Registration.objects.create(person=sealed.ordinary, started_on=datetime.date(2026, 1, 5), rag="amber")
    client.force_login(officer)
    page = client.get(f"/people/{sealed.ordinary.pk}/").content.decode()
    assert SECRET.format("religion") in page
    _, secret = api_token_issue(acting_user=officer, name="t", scope="read", second_factor_at=timezone.now())
    body = client.get(f"/api/v1/people/{sealed.ordinary.pk}", HTTP_AUTHORIZATION=f"Bearer {secret}").json()
    assert body["religion"] == SECRET.format("religion") and body["sexual_orientation"] == SECRET.format("sexual_orientation")
    client.force_login(sealed.users[Role.PROBATION_OFFICER])
    plan = client.get(f"/people/{sealed.ordinary.pk}/plan/").content.decode()
    assert SECRET.format("safeguarding_notes") in plan


@pytest.mark.django_db(transaction=True)
def test_a_backup_holds_them_sealed_and_restores_them_verified(sealed, tmp_path, monkeypatch):
    monkeypatch.setenv("IOMHUB_BACKUP_KEY", backup_format.new_key())
    before = _rows()
    target = tmp_path / "iomhub.backup"
    call_command("backup", str(target), stdout=io.StringIO())
    key = backup_format.keys_from_environment()[0]
    with target.open("rb") as source:
        opened = b"".join(backup_format.opened(source, [key]))  # the backup decrypted: its JSON lines
    assert b"people_person" in opened and PREFIX.encode() in opened
    assert b"Secret-Marker" not in opened and b"Secret-Marker" not in target.read_bytes()
    empty_the_database()
    assert not Person.objects.exists()
    out = io.StringIO()
    call_command("restore", str(target), stdout=out)  # compares every table's count and SHA-256
    assert "every count and SHA-256 matches" in out.getvalue()
    assert _rows() == before  # the same sealed bytes, column by column
    test_the_application_reads_them_back(sealed)


def test_the_database_cannot_be_asked_to_search_or_sort_them():
    assert not Person.objects.filter(religion="").exclude(pk__in=[]).exists()  # "nothing recorded" still works
    for bad in ({"religion": "Quaker"}, {"religion__icontains": "qu"}, {"sexual_orientation__in": ["x"]}):
        with pytest.raises(FieldError, match="encrypted"):
            list(Person.objects.filter(**bad))


def _rows() -> dict:
    return {(t, c): sorted(raw(t, c)) for t, c in EXPECTED}


def test_rotation_reseals_everything_and_the_old_key_can_then_go(sealed):
    old, new = new_key(), new_key()
    rewrite_all(connection, apps.get_models(), unseal)  # out of the development key
    with override_settings(FIELD_ENCRYPTION_KEYS=[old]):
        rewrite_all(connection, apps.get_models(), seal)  # everything under the old key
        assert all(v.startswith(f"{PREFIX}{key_id(old)}:") for vs in _rows().values() for v in vs)
    with override_settings(FIELD_ENCRYPTION_KEYS=[new, old]):
        with pytest.raises(CommandError, match="not under the newest key"):
            call_command("rotate_keys", "--check", stdout=io.StringIO())
        out = io.StringIO()
        call_command("rotate_keys", "--batch", "1", stdout=out)
        assert "re-encrypted" in out.getvalue()
        call_command("rotate_keys", "--check", stdout=io.StringIO())
    assert all(v.startswith(f"{PREFIX}{key_id(new)}:") for vs in _rows().values() for v in vs)
    with override_settings(FIELD_ENCRYPTION_KEYS=[new]):  # the old key removed: every value still reads
        test_the_application_reads_them_back(sealed)


def test_an_interrupted_rotation_carries_on_where_it_stopped(sealed):
    old, new = new_key(), new_key()
    rewrite_all(connection, apps.get_models(), unseal)  # out of the development key
    with override_settings(FIELD_ENCRYPTION_KEYS=[old]):
        rewrite_all(connection, apps.get_models(), seal)
    with override_settings(FIELD_ENCRYPTION_KEYS=[new, old]):
        from iomhub.crypto import rotation

        done = []

        def stops_after_three(stored):
            if len(done) == 3:
                raise KeyboardInterrupt
            done.append(stored)
            return rotation.reseal(stored)

        with pytest.raises(KeyboardInterrupt):
            rewrite_all(connection, apps.get_models(), stops_after_three, batch=1)
        current = [v for vs in _rows().values() for v in vs if v.startswith(f"{PREFIX}{key_id(new)}:")]
        assert len(current) == 3  # the three committed batches stay done
        out = io.StringIO()
        call_command("rotate_keys", stdout=out)
        assert f"{len(EXPECTED) - 3} re-encrypted" in out.getvalue()
    with override_settings(FIELD_ENCRYPTION_KEYS=[new]):
        test_the_application_reads_them_back(sealed)


def test_the_migration_seals_clear_text_and_its_reverse_opens_it(sealed):
    rewrite_all(connection, apps.get_models(), unseal)  # as before the migration: clear text
    assert SECRET.format("religion") in raw("people_person", "religion")
    rewrite_all(connection, apps.get_models(), seal)
    assert all(v.startswith(PREFIX) for vs in _rows().values() for v in vs)
    test_the_application_reads_them_back(sealed)


def test_a_value_sealed_with_a_retired_key_is_refused_by_name(sealed):
    old = new_key()
    with override_settings(FIELD_ENCRYPTION_KEYS=[old]):
        Person.objects.filter(pk=sealed.ordinary.pk).update(religion="Retired-Key-Faith")
    with pytest.raises(Exception, match=key_id(old)):
        Person.objects.get(pk=sealed.ordinary.pk)


def _raw_audit() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT changes FROM access_auditevent WHERE object_type = 'person' AND action = 'change'")
        return [r[0] if isinstance(r[0], str) else json.dumps(r[0]) for r in cursor.fetchall()]


def _audit_guard():
    return audit_triggers.suspended(connection)


def test_the_audit_log_holds_the_before_and_after_sealed_and_the_audit_page_opens_them(partnership):
    officer = partnership.users[Role.POLICE_IOM_OFFICER]
    person_update(
        acting_user=officer,
        person=partnership.ordinary,
        changes={"religion": "Audit-Marker-Faith", "middle_names": "Lee"},
        expected_version=1,
    )
    [raw_changes] = _raw_audit()
    assert "Audit-Marker" not in raw_changes and PREFIX in raw_changes and '"Lee"' in raw_changes  # only the sealed field
    event = AuditEvent.objects.get(object_type="person", action="change")
    assert open_changes(event.changes)["religion"] == {"before": "", "after": "Audit-Marker-Faith"}
    assert sealed_keys()["case"] >= {"safeguarding_notes"} and sealed_keys()["person"] == {"religion", "sexual_orientation"}


def test_rotation_and_the_migration_reach_the_audit_log(partnership):
    officer = partnership.users[Role.POLICE_IOM_OFFICER]
    old, new = new_key(), new_key()
    with override_settings(FIELD_ENCRYPTION_KEYS=[old]):
        person_update(acting_user=officer, person=partnership.ordinary, changes={"religion": "Audit-Marker-Faith"}, expected_version=1)
    assert f"{PREFIX}{key_id(old)}:" in _raw_audit()[0]
    with override_settings(FIELD_ENCRYPTION_KEYS=[new, old]):
        with pytest.raises(CommandError, match="not under the newest key"):
            call_command("rotate_keys", "--check", stdout=io.StringIO())
        call_command("rotate_keys", stdout=io.StringIO())
        call_command("rotate_keys", "--check", stdout=io.StringIO())
        assert f"{PREFIX}{key_id(new)}:" in _raw_audit()[0] and key_id(old) not in _raw_audit()[0]
        rewrite_audit_changes(connection, "unseal", Tally(), guard=_audit_guard)  # the migration backwards
        assert "Audit-Marker-Faith" in _raw_audit()[0]
        rewrite_audit_changes(connection, "seal", Tally(), guard=_audit_guard)  # and forwards
    assert "Audit-Marker" not in _raw_audit()[0]
    with override_settings(FIELD_ENCRYPTION_KEYS=[new]):
        event = AuditEvent.objects.get(object_type="person", action="change")
        assert open_changes(event.changes)["religion"]["after"] == "Audit-Marker-Faith"
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:  # append-only again
        cursor.execute("UPDATE access_auditevent SET reason = 'x'")
