"""A client generated from /api/v1/schema with openapi-python-client (offline, into a temporary
directory) runs a small scenario against the live server (issue 17): search, read a person, their
case, justice record and timeline, record a timeline entry and a plan action. Every response is
parsed into the generated, typed models: a field the schema gets wrong fails here."""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.utils import timezone

from iomhub import clock
from iomhub.access.services import api_token_issue


@pytest.fixture
def generated(tmp_path, client, transactional_db):
    schema = tmp_path / "schema.json"
    schema.write_text(json.dumps(json.loads(client.get("/api/v1/schema?format=json").content)))
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    run = subprocess.run(  # noqa: S603 - our own tool, our own schema
        [
            str(bin_dir / "openapi-python-client"),
            "generate",
            "--path",
            str(schema),
            "--meta",
            "none",
            "--output-path",
            str(tmp_path / "iomhub_client"),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    sys.path.insert(0, str(tmp_path))
    yield
    sys.path.remove(str(tmp_path))
    for name in [m for m in sys.modules if m == "iomhub_client" or m.startswith("iomhub_client.")]:
        del sys.modules[name]


def test_a_generated_client_runs_the_scenario(generated, live_server, partnership):
    from iomhub_client import AuthenticatedClient
    from iomhub_client.api.people import (
        justice_read,
        people_read,
        people_search,
        plan_actions_create,
        timeline_create,
        timeline_list,
    )
    from iomhub_client.models import PlanActionWriteRequest, TimelineKindEnum, TimelineWriteRequest

    officer = partnership.users["police-iom-officer"]
    _, secret = api_token_issue(acting_user=officer, name="generated client", scope="read-write", second_factor_at=timezone.now())
    api = AuthenticatedClient(base_url=live_server.url, token=secret, raise_on_unexpected_status=True)

    found = people_search.sync(client=api, q="Jordan Example")
    assert found.count == 1
    person_id = found.results[0].id
    person = people_read.sync(person_id, client=api)
    assert (person.first_name, person.date_of_birth) == ("Jordan", datetime.date(1990, 5, 17))
    record = justice_read.sync(person_id, client=api)
    assert (record.person, record.sentences, record.prompts) == (person_id, [], [])
    assert timeline_list.sync(person_id, client=api) == []

    entry = timeline_create.sync(
        person_id,
        client=api,
        body=TimelineWriteRequest(kind=TimelineKindEnum.HOME_VISIT, occurred_on=datetime.date(2026, 11, 2), summary="Seen at home"),
    )
    assert entry.kind == TimelineKindEnum.HOME_VISIT and entry.summary == "Seen at home"
    assert [e.id for e in timeline_list.sync(person_id, client=api)] == [entry.id]

    made = plan_actions_create.sync_detailed(
        person_id,
        client=api,
        body=PlanActionWriteRequest(
            description="Register with a GP",
            agency=partnership.police.pk,
            due_on=clock.today() + datetime.timedelta(days=30),
            owner_name="A. Worker",
        ),
    )
    assert made.status_code == 201, made.content
    assert made.parsed.description == "Register with a GP" and made.parsed.version >= 1


def test_the_case_is_typed_for_a_generated_client(generated, live_server, partnership):
    from iomhub_client import AuthenticatedClient
    from iomhub_client.api.people import case_read

    officer = partnership.users["police-iom-officer"]
    _, secret = api_token_issue(acting_user=officer, name="generated client", scope="read", second_factor_at=timezone.now())
    api = AuthenticatedClient(base_url=live_server.url, token=secret, raise_on_unexpected_status=True)
    person_id = partnership.ordinary.pk
    assert case_read.sync(person_id, client=api).person == person_id


def test_a_generated_client_records_an_sds_plus_sentence(generated, live_server, partnership):
    """``SDS`` and ``SDS+`` were one name to the generator, which then left out creating a
    sentence; named apart (``x-enum-varnames``), the client records one and reads it back."""
    from iomhub_client import AuthenticatedClient
    from iomhub_client.api.people import justice_read, justice_sentences_create
    from iomhub_client.models import SentenceTypeEnum, SentenceWriteRequest

    assert {SentenceTypeEnum.SDS.value, SentenceTypeEnum.SDS_PLUS.value} == {"SDS", "SDS+"}
    officer = partnership.users["probation-officer"]
    _, secret = api_token_issue(acting_user=officer, name="generated client", scope="read-write", second_factor_at=timezone.now())
    api = AuthenticatedClient(base_url=live_server.url, token=secret, raise_on_unexpected_status=True)
    person_id = partnership.ordinary.pk
    made = justice_sentences_create.sync_detailed(
        person_id,
        client=api,
        body=SentenceWriteRequest(
            sentenced_on=datetime.date(2026, 6, 1),
            offence_committed_on=datetime.date(2026, 1, 10),
            years=6,
            sentence_type=SentenceTypeEnum.SDS_PLUS,
        ),
    )
    assert made.status_code == 201, made.content
    assert made.parsed.sentence_type == SentenceTypeEnum.SDS_PLUS
    record = justice_read.sync(person_id, client=api)
    assert [s.sentence_type for s in record.sentences] == [SentenceTypeEnum.SDS_PLUS]
