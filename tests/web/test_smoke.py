"""The shell answers: health is public, everything else sends a stranger to sign in."""

import pytest


@pytest.mark.django_db
def test_health_is_public(client):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_home_sends_a_stranger_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/")


def test_home_greets_a_signed_in_officer(client, partnership):
    client.force_login(partnership.users["police-iom-officer"])
    response = client.get("/")
    assert response.status_code == 200
    assert "Find a person" in response.content.decode()
