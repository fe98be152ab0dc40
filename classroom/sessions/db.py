"""The database session store, reading a session with one statement written as SQL.

Every request but the login page's reads its session, so this is the most frequent query the
app makes: Django's own store builds and compiles a queryset for it each time, which cost more
than the database took to answer (classroom/rows.py; docs/performance.md). Everything else —
saving, the session's key rules, expiry, ``clearsessions`` — is Django's store unchanged.
"""

from functools import cache

from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone

from classroom.rows import Columns


@cache
def _columns(model) -> Columns:
    return Columns(model, "s")


# The statement per database vendor: column and table names from the model, values only as
# parameters.
_SQL: dict[str, str] = {}


class ReadsWithSQL:
    """For a subclass of Django's database session store: ``_get_session_from_db`` as one
    SELECT, returning the same Session instance (or None, forgetting the key) as Django's."""

    def _get_session_from_db(self):
        columns = _columns(self.model)
        connection = connections[router.db_for_read(self.model)]
        sql = _SQL.get(connection.vendor)
        if sql is None:
            table = connection.ops.quote_name(self.model._meta.db_table)
            sql = _SQL[connection.vendor] = (
                f"SELECT {columns.select(connection)} FROM {table} s"  # noqa: S608
                " WHERE s.session_key = %s AND s.expire_date > %s"
            )
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(sql, [self.session_key, now])
            row = cursor.fetchone()
        if row is None:
            # As Django's store does: a key that names no live session is not used again.
            self._session_key = None
            return None
        return columns.load(connection, row, 0)


class SessionStore(ReadsWithSQL, db.SessionStore):
    pass
