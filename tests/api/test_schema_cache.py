"""The schema is generated once per process, under a lock, and then served from memory
(iomhub.config.api_schema): first requests arriving together all succeed, only one of them
generates it, and what is kept is what a fresh generation gives."""

from __future__ import annotations

import json
import threading

from django.test import RequestFactory
from drf_spectacular.generators import SchemaGenerator

from iomhub.config import api_schema

READERS = 4


def _fetch(barrier: threading.Barrier, answers: list, failures: list) -> None:
    try:
        request = RequestFactory().get("/api/v1/schema", {"format": "json"})
        barrier.wait()
        response = api_schema.CachedSchemaView.as_view()(request)
        response.render()
        answers.append((response.status_code, response.content))
    except Exception as error:
        failures.append(repr(error))


def test_first_requests_together_generate_the_schema_once():
    api_schema.forget()
    before = api_schema.generations
    barrier = threading.Barrier(READERS)
    answers: list[tuple[int, bytes]] = []
    failures: list[str] = []
    threads = [threading.Thread(target=_fetch, args=(barrier, answers, failures)) for _ in range(READERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert [status for status, _ in answers] == [200] * READERS
    assert len({body for _, body in answers}) == 1
    assert api_schema.generations - before == 1

    fresh = SchemaGenerator().get_schema(request=None, public=True)
    assert json.loads(answers[0][1]) == json.loads(json.dumps(fresh, default=str))


def test_a_later_request_is_served_from_memory(client):
    client.get("/api/v1/schema?format=json")
    before = api_schema.generations
    response = client.get("/api/v1/schema?format=json")
    assert response.status_code == 200
    assert api_schema.generations == before
    assert "/api/v1/people" in json.loads(response.content)["paths"]


def test_the_first_and_a_later_response_are_named_as_drf_spectacular_names_them(client):
    api_schema.forget()
    before = api_schema.generations
    first = client.get("/api/v1/schema?format=json")
    later = client.get("/api/v1/schema?format=json")
    yaml = client.get("/api/v1/schema")
    assert api_schema.generations - before == 1
    for response, suffix in ((first, "json"), (later, "json"), (yaml, "yaml")):
        assert response.status_code == 200
        assert response["Content-Disposition"] == f'inline; filename="IOM Hub API.{suffix}"'
    assert first["Content-Type"] == later["Content-Type"] == "application/vnd.oai.openapi+json"
    assert yaml["Content-Type"].startswith("application/vnd.oai.openapi")
    assert first.content == later.content
