"""Template tags for the reading tools: each person's reading settings, as a form and as the CSS
classes that apply them (classes, not inline styles: the Content-Security-Policy forbids those)."""

from django import template

from classroom.forms import ReadingPreferencesForm

register = template.Library()


@register.filter
def reading_classes(user) -> str:
    """``text-size-130 line-spacing-loose``: the classes for ``user``'s reading settings."""
    size = getattr(user, "text_size", None) or 100
    spacing = getattr(user, "line_spacing", None) or "standard"
    return f"text-size-{size} line-spacing-{spacing}"


@register.simple_tag(takes_context=True)
def reading_settings_form(context):
    """The reading-settings form filled in with the signed-in person's own settings."""
    return ReadingPreferencesForm(instance=context["request"].user)
