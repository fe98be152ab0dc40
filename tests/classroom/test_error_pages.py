from django.test import Client
from django.urls import reverse


def test_a_missing_page_is_friendly(client, student):
    client.force_login(student)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert b"We couldn" in response.content
    assert reverse("home").encode() in response.content


def test_a_forbidden_page_is_friendly(client, student):
    client.force_login(student)
    response = client.get(reverse("classroom:lesson-list"))
    assert response.status_code == 403
    assert b"You can" in response.content


def test_a_server_error_is_friendly_and_needs_no_database(db, settings):
    settings.ROOT_URLCONF = "tests.classroom.urls_boom"
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    assert b"Something went wrong on our side" in response.content
    assert b"Nothing you saved before this is lost" in response.content
