"""Keep students' words, passwords and session ids out of error reports.

Django's error reports (the email AdminEmailHandler sends on a 500, and any HTML report) list
the request's POST data and the local variables of each frame. Django already hides the session
and CSRF cookies, and the POST data of views marked @sensitive_post_parameters (its login and
password views), but it would print an answer, a teacher's comment or a sign-up password in
full. This filter shows a POST value only when its name is on a short list of names that never
carry personal data, and hides frame variables whose names say they hold work or secrets.

Enable it in settings:
    DEFAULT_EXCEPTION_REPORTER_FILTER = "classroom.logging.ClassroomExceptionReporterFilter"
"""

import re

from django.utils.datastructures import MultiValueDict
from django.views.debug import SafeExceptionReporterFilter

# POST fields that are safe to show in an error report: what the request was about, never
# what anyone wrote. Everything else (answer-*, text, comment*, points*, password*, names,
# email, join codes, usernames) is replaced with stars.
SAFE_POST_FIELDS = frozenset(
    {"action", "next", "prompt", "late_policy", "lesson", "opens_at", "due_at", "post"}
)

# Local variables that hold (or may hold) an answer, feedback, a request body or a secret.
SENSITIVE_VARIABLES = re.compile(
    r"answer|text|comment|feedback|payload|body|password|secret|token|session|cleaned_data",
    re.IGNORECASE,
)


class ClassroomExceptionReporterFilter(SafeExceptionReporterFilter):
    def _cleanse_post(self, request, post: MultiValueDict) -> MultiValueDict:
        if not self.is_active(request):
            return post
        cleansed = post.copy()
        for key in cleansed:
            if key not in SAFE_POST_FIELDS:
                cleansed.setlist(key, [self.cleansed_substitute])
        return cleansed

    def get_post_parameters(self, request):
        if request is None:
            return {}
        return self._cleanse_post(request, super().get_post_parameters(request))

    def get_cleansed_multivaluedict(self, request, multivaluedict):
        # request.POST shown as a frame variable gets the same treatment as the POST section.
        return self._cleanse_post(
            request, super().get_cleansed_multivaluedict(request, multivaluedict)
        )

    def get_traceback_frame_variables(self, request, tb_frame):
        variables = super().get_traceback_frame_variables(request, tb_frame)
        if not self.is_active(request):
            return variables
        return [
            (name, self.cleansed_substitute if SENSITIVE_VARIABLES.search(name) else value)
            for name, value in variables
        ]
