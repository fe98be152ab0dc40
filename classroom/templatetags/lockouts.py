"""Template tags for login lockouts."""

from django import template

from classroom import limits

register = template.Library()


@register.simple_tag
def locked_out_usernames(enrollments) -> set[str]:
    """The usernames of these enrolled students that are locked out now, in one query."""
    return limits.locked_out_usernames(enrollment.student.username for enrollment in enrollments)
