"""/healthz: load balancers and monitors learn whether this app server can reach the database
and the shared cache — 200 "ok", or 503 naming the check that failed and nothing more."""

import pytest
from django.conf import settings
from django.db import OperationalError, connection, connections
from django.urls import reverse

HEALTHZ = reverse("healthz")
# Nothing listens on port 1: connecting is refused at once.
DEAD_REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
    }
}


def test_it_is_at_the_documented_path():
    assert HEALTHZ == "/healthz"


def test_it_answers_ok_when_the_database_and_the_cache_work(client, db):
    response = client.get(HEALTHZ)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok"}
    # A proxy must never answer for a server with a stored copy.
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("role", ["student", "teacher", "admin"])
def test_it_answers_anyone_signed_in_too(client, role, request):
    client.force_login(request.getfixturevalue(role))

    response = client.get(HEALTHZ)

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_a_head_request_works_for_balancers_that_send_one(client, db):
    response = client.head(HEALTHZ)

    assert response.status_code == 200
    assert response.content == b""


def test_it_changes_nothing_on_post(client, db):
    response = client.post(HEALTHZ)

    assert response.status_code == 405


@pytest.mark.skipif(
    "DatabaseCache" not in settings.CACHES["default"]["BACKEND"],
    reason="counts the rows of the database cache",
)
def test_many_checks_in_a_row_all_answer_and_leave_nothing_in_the_cache(client, db):
    for _ in range(25):
        assert client.get(HEALTHZ).status_code == 200

    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM django_cache WHERE cache_key LIKE %s", ["%healthz%"])
        assert cursor.fetchone() == (0,)


def test_it_answers_503_naming_the_cache_when_the_cache_is_down(client, db, settings, caplog):
    settings.CACHES = DEAD_REDIS

    response = client.get(HEALTHZ)

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "failed": ["cache"]}
    # The log tells the operator why; the answer tells a stranger nothing about the servers.
    assert "Health check: the cache did not answer" in caplog.text
    for detail in [b"127.0.0.1", b"redis", b"refused", b"Error"]:
        assert detail not in response.content


def test_it_answers_503_naming_the_database_when_the_database_is_down(
    client, db, settings, monkeypatch, caplog
):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    }  # so only the database fails

    def refuse(self, *args, **kwargs):
        raise OperationalError('connection to server at "10.0.0.5", port 5432 failed')

    with monkeypatch.context() as patch:
        patch.setattr(type(connections["default"]), "cursor", refuse)
        response = client.get(HEALTHZ)

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "failed": ["database"]}
    assert "Health check: the database did not answer" in caplog.text
    assert b"10.0.0.5" not in response.content


def test_it_is_not_sent_to_https_when_the_rest_of_the_site_is(client, db, settings):
    # Balancers check each app server over plain http; a redirect would read as "down".
    settings.SECURE_SSL_REDIRECT = True

    assert client.get(HEALTHZ).status_code == 200
    page = client.get(reverse("accounts:login"))
    assert page.status_code == 301
    assert page["Location"].startswith("https://")
