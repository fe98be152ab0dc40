"""Teacher pages. (Being written.)"""

from django.http import Http404


def _todo(request, *args, **kwargs):
    raise Http404


dashboard = class_create = class_detail = class_edit = class_archive = class_reset_code = _todo
class_remove_student = assignment_create = assignment_detail = assignment_edit = _todo
assignment_export = submission_review = submission_return = prompt_review = _todo
