"""The database session store, reading a session with one statement written as SQL.

Every request but the login page's reads its session, so this is the most frequent query the
app makes: Django's own store builds and compiles a queryset for it each time, which cost more
than the database took to answer (classroom/rows.py; docs/performance.md). Everything else —
saving, the session's key rules, expiry, ``clearsessions`` — is Django's store unchanged.
"""

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.db import connections, router
from django.utils import timezone

from classroom.rows import Columns, Statement

_SESSION = Columns(Session, "s")
_READ = Statement(
    lambda connection: (
        f"SELECT {_SESSION.select(connection)}"  # noqa: S608
        f" FROM {connection.ops.quote_name(Session._meta.db_table)} s"
        " WHERE s.session_key = %s AND s.expire_date > %s"
    )
)


class ReadsWithSQL:
    """For a subclass of Django's database session store: ``_get_session_from_db`` as one
    SELECT, returning the same Session instance (or None, forgetting the key) as Django's."""

    def _get_session_from_db(self):
        connection = connections[router.db_for_read(Session)]
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        rows = _READ.run(connection, [self.session_key, now])
        if not rows:
            # As Django's store does: a key that names no live session is not used again.
            self._session_key = None
            return None
        return _SESSION.load(connection, rows[0], 0)


class SessionStore(ReadsWithSQL, db.SessionStore):
    pass
