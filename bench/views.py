"""P4's baseline: the least an authenticated save can do, to compare autosave against."""

import json

from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_POST

from classroom.models import Response


@require_POST
def bare_update(request, pk):
    """Signed-in students (bench only): overwrite the text of one of their own answers."""
    payload = json.loads(request.body)
    updated = Response.objects.filter(pk=pk, submission__student=request.user).update(
        text=payload["text"], saved_at=timezone.now()
    )
    return JsonResponse({"updated": updated})
