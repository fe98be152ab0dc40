"""Django's cached_db session store (sessions read from the cache, written through to the
database), reading from the database as classroom.sessions.db does when the cache misses."""

from django.contrib.sessions.backends import cached_db

from classroom.sessions.db import ReadsWithSQL


class SessionStore(ReadsWithSQL, cached_db.SessionStore):
    pass
