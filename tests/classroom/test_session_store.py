"""The session stores (classroom.sessions.db and .cached_db): Django's, with the read of a
session written as one SQL statement. Held here to what Django's own store reads."""

import datetime

import pytest
from django.contrib.sessions.backends import cached_db as django_cached_db
from django.contrib.sessions.backends import db as django_db
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.utils import timezone

from classroom.sessions import cached_db, db

pytestmark = pytest.mark.django_db

DATA = {"_auth_user_id": "7", "note": "café 東京 🎓", "nested": {"n": [1, 2.5, None, True]}}


def saved_session(data=DATA, *, store=django_db.SessionStore, expiry=None) -> str:
    session = store()
    session.update(data)
    if expiry is not None:
        session.set_expiry(expiry)
    session.save()
    return session.session_key


def test_it_reads_what_djangos_store_reads():
    key = saved_session()

    ours, theirs = db.SessionStore(key), django_db.SessionStore(key)

    assert ours.load() == theirs.load() == DATA
    assert ours.session_key == key


def test_the_instance_it_reads_is_the_one_the_orm_builds():
    key = saved_session(expiry=3600)
    store = db.SessionStore(key)

    row = store._get_session_from_db()

    expected = Session.objects.get(session_key=key)
    assert (row.session_key, row.session_data, row.expire_date) == (
        expected.session_key,
        expected.session_data,
        expected.expire_date,
    )
    assert row.expire_date.tzinfo is not None  # aware, as cached_db's expiry needs
    assert row._state.adding is False


def test_it_reads_a_session_in_one_query(django_assert_num_queries):
    key = saved_session()

    with django_assert_num_queries(1):
        assert db.SessionStore(key).load() == DATA


@pytest.mark.parametrize("store", [db.SessionStore, cached_db.SessionStore])
def test_an_expired_session_reads_as_empty_and_its_key_is_not_used_again(store):
    key = saved_session(expiry=3600)
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )
    caches["default"].clear()

    session = store(key)

    assert session.load() == {}
    assert session.session_key is None
    session["after"] = "expiry"
    session.save()
    assert session.session_key != key  # a new session, never the old key brought back


@pytest.mark.parametrize("store", [db.SessionStore, cached_db.SessionStore])
def test_an_unknown_key_reads_as_empty(store):
    saved_session()
    session = store("x" * 32)

    assert session.load() == {}
    assert session.session_key is None


def test_saving_through_it_is_djangos_save():
    session = db.SessionStore()
    session["answer"] = 42
    session.save()

    assert django_db.SessionStore(session.session_key).load() == {"answer": 42}
    session["answer"] = 43
    session.save()
    assert Session.objects.count() == 1
    assert db.SessionStore(session.session_key).load() == {"answer": 43}


def test_the_cached_store_reads_the_database_on_a_miss_and_caches_it_for_the_sessions_life(
    monkeypatch,
):
    key = saved_session(store=django_cached_db.SessionStore, expiry=600)
    cache = caches["default"]
    cache.clear()
    store = cached_db.SessionStore(key)
    timeouts = []
    real_set = store._cache.set
    monkeypatch.setattr(
        store._cache, "set", lambda k, v, t: (timeouts.append(t), real_set(k, v, t))
    )

    expected = {**DATA, "_session_expiry": 600}

    assert store.load() == expected

    assert cache.get(store.cache_key) == expected
    assert 595 <= timeouts[0] <= 600  # no longer than the session lives
    # The next read is the cache's: the database row is not needed.
    Session.objects.filter(session_key=key).delete()
    assert cached_db.SessionStore(key).load() == expected
