"""The system account ``system-feeds`` is made at migrate time (issue 11), not on first use: it is
there in a freshly migrated database before any import or alert, an IOM coordinator that cannot
sign in, and its making is in the audit log."""

import pytest

from iomhub.access.models import AuditEvent, Role, User
from iomhub.feeds.actors import SYSTEM_USERNAME, feed_system_user

pytestmark = pytest.mark.django_db


def test_the_account_exists_after_migrate_before_any_import():
    user = User.objects.get(username=SYSTEM_USERNAME)
    assert list(user.role_assignments.values_list("role", flat=True)) == [Role.COORDINATOR]
    assert not user.has_usable_password()
    made = AuditEvent.objects.filter(object_type="user", object_id=str(user.pk), action="create")
    assert made.count() == 1
    assert "migrate time" in made.get().reason


def test_the_imports_and_alerts_use_that_same_account_and_make_no_other():
    before = User.objects.count()
    assert feed_system_user().pk == User.objects.get(username=SYSTEM_USERNAME).pk
    assert User.objects.count() == before
