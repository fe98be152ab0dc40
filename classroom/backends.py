"""The authentication backend: Django's ModelBackend, reading the signed-in user with one
statement written as SQL.

Every signed-in request loads its user, so after the session this is the most frequent query
the app makes; Django's ``get(pk=...)`` builds and compiles a queryset for it each time, which
cost more than the database took to answer (classroom/rows.py; docs/performance.md). Logging in,
permissions and the is_active rule are ModelBackend's, unchanged.
"""

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.db import connections, router

from classroom.models import User
from classroom.rows import Columns, Statement

# What login() stores in a session for a person this app signs in without a password check
# (just after signing up).
PATH = f"{__name__}.UserBackend"

_USER = Columns(User, "u")
_READ = Statement(
    lambda connection: (
        f"SELECT {_USER.select(connection)}"  # noqa: S608
        f" FROM {connection.ops.quote_name(User._meta.db_table)} u WHERE u.id = %s"
    )
)


class UserBackend(ModelBackend):
    def get_user(self, user_id):
        connection = connections[router.db_for_read(User)]
        rows = _READ.run(connection, [user_id])
        if not rows:
            return None
        user = _USER.load(connection, rows[0], 0)
        return user if self.user_can_authenticate(user) else None

    def authenticate(self, request, username=None, password=None, **kwargs):
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            # Wrong credentials, already checked against a password hash. Stop here: Django's
            # ModelBackend, listed after this one for sessions signed in before it (settings),
            # would hash them a second time. Django treats this as every backend refusing.
            raise PermissionDenied
        return user
