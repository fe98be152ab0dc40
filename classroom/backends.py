"""The authentication backend: Django's ModelBackend, reading the signed-in user with one
statement written as SQL.

Every signed-in request loads its user, so after the session this is the most frequent query
the app makes; Django's ``get(pk=...)`` builds and compiles a queryset for it each time, which
cost more than the database took to answer (classroom/rows.py; docs/performance.md). Logging in,
permissions and the is_active rule are ModelBackend's, unchanged.
"""

from functools import cache

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.db import connections, router

from classroom.rows import Columns

# What login() stores in a session for a person this app signs in without a password check
# (just after signing up).
PATH = f"{__name__}.UserBackend"

# The statement per database vendor: column and table names from the model, the id a parameter.
_SQL: dict[str, str] = {}


@cache
def _columns() -> Columns:
    return Columns(get_user_model(), "u")


class UserBackend(ModelBackend):
    def get_user(self, user_id):
        model = get_user_model()
        columns = _columns()
        connection = connections[router.db_for_read(model)]
        sql = _SQL.get(connection.vendor)
        if sql is None:
            table = connection.ops.quote_name(model._meta.db_table)
            pk = connection.ops.quote_name(model._meta.pk.column)
            sql = _SQL[connection.vendor] = (
                f"SELECT {columns.select(connection)} FROM {table} u WHERE u.{pk} = %s"  # noqa: S608
            )
        with connection.cursor() as cursor:
            cursor.execute(sql, [user_id])
            row = cursor.fetchone()
        if row is None:
            return None
        user = columns.load(connection, row, 0)
        return user if self.user_can_authenticate(user) else None

    def authenticate(self, request, username=None, password=None, **kwargs):
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            # Wrong credentials, already checked against a password hash. Stop here: Django's
            # ModelBackend, listed after this one for sessions signed in before it (settings),
            # would hash them a second time. Django treats this as every backend refusing.
            raise PermissionDenied
        return user
