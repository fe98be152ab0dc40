"""Ending a person's sessions on every device."""

from importlib import import_module

from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone


def end_user_sessions(user) -> int:
    """Log the user out everywhere (e.g. when an admin deactivates them). Returns how many
    sessions ended.

    Deactivating alone already makes their next request anonymous (ModelBackend refuses inactive
    users); this also removes the sessions themselves. Sessions are stored by key, not by user, so
    it reads each live one: fine at a school's size.
    """
    store = import_module(settings.SESSION_ENGINE).SessionStore
    user_id = str(user.pk)
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == user_id:
            # Through the session store, so a cached copy (cached_db engine) goes too.
            store(session_key=session.session_key).delete()
            ended += 1
    return ended
