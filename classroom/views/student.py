"""Student pages. (Being written.)"""

from django.http import Http404


def _todo(request, *args, **kwargs):
    raise Http404


dashboard = class_join = workspace = autosave = turn_in = unsubmit = _todo
