"""A document's file is written only once it will be kept: the same file sent twice is refused
before the storage is touched, and a row that fails after the write takes its file with it."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from iomhub.access.models import Role
from iomhub.documents import services
from iomhub.documents.models import Document
from tests.documents import samples
from tests.documents.conftest import stored_files

pytestmark = pytest.mark.django_db


def _upload(p, data=samples.PDF, name="Court order.pdf"):
    return services.document_upload(
        acting_user=p.users[Role.PROBATION_OFFICER],
        person=p.ordinary,
        upload=SimpleUploadedFile(name, data, content_type="application/pdf"),
    )


@pytest.fixture(autouse=True)
def own_storage(settings, tmp_path):
    """A documents directory of this test's own: other workers of the run share the usual one."""
    documents = settings.STORAGES["documents"]
    settings.STORAGES = {**settings.STORAGES, "documents": {**documents, "OPTIONS": {**documents["OPTIONS"], "location": str(tmp_path)}}}
    assert services.storage().location == str(tmp_path)


@pytest.fixture
def writes(own_storage, monkeypatch):
    """The names the documents' storage is asked to save, in order (the save still happens)."""
    storage, names = services.storage(), []
    real = storage.save

    def save(name, content, *args, **kwargs):
        names.append(name)
        return real(name, content, *args, **kwargs)

    monkeypatch.setattr(storage, "save", save)
    return names


def test_a_refused_duplicate_never_reaches_the_storage(partnership, writes):
    p = partnership
    _upload(p)
    assert len(writes) == 1
    files = stored_files()
    assert len(files) == 1
    with pytest.raises(ValidationError) as refused:
        _upload(p, name="Court order (copy).pdf")
    assert "already on their record" in refused.value.message_dict["file"][0]
    assert len(writes) == 1  # checked before the write, not written and then removed
    assert stored_files() == files
    assert Document.objects.filter(person=p.ordinary).count() == 1


def test_a_row_that_fails_after_the_write_leaves_no_file(partnership, monkeypatch, writes):
    p = partnership

    def broken(**kwargs):
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr(services.audit, "record", broken)
    with pytest.raises(RuntimeError, match="audit store unavailable"):
        _upload(p)
    assert len(writes) == 1  # the file was written, then removed with the row
    assert stored_files() == []
    assert not Document.objects.exists()
