import datetime

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.core.exceptions import ValidationError
from django.utils import timezone

from classroom.models import Assignment, Classroom, User, normalize_join_code
from lessons.models import Lesson


class LoginForm(AuthenticationForm):
    """Django's login form, refusing a username longer than any account's before it is looked
    up. Django sets the field's max_length after the field is made, so nothing checks it, and
    django-axes records each failed username: PostgreSQL then refuses one longer than that
    column (a server error where a message belongs)."""

    def clean_username(self):
        username = self.cleaned_data["username"]
        limit = self.fields["username"].max_length
        if len(username) > limit:
            raise ValidationError(
                f"Usernames are at most {limit} characters long; this one has "
                f"{len(username):,}. Check what you typed.",
                code="max_length",
            )
        return username


def _autofocus_first(form):
    # UserCreationForm focuses the username, which is not the first field here: the page opened
    # in the middle of the form, past the join code and the name.
    for field in form.fields.values():
        field.widget.attrs.pop("autofocus", None)
    next(iter(form.fields.values())).widget.attrs["autofocus"] = True


class TeacherSignupForm(UserCreationForm):
    class Meta:
        model = User
        fields = ["first_name", "last_name", "username", "email"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("first_name", "last_name", "email"):
            self.fields[name].required = True
        self.fields["email"].help_text = "Used only to reset your password."
        _autofocus_first(self)

    def save(self, commit=True):
        user = super().save(commit=False)
        user.role = User.Role.TEACHER
        if commit:
            user.save()
        return user


class StudentSignupForm(UserCreationForm):
    """Students give a name their teacher recognises and nothing else: no email, no birth date."""

    join_code = forms.CharField(
        max_length=20,
        help_text="The class code your teacher gave you, for example ABCD-1234.",
    )

    class Meta:
        model = User
        fields = ["first_name", "last_name", "username"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["first_name"].required = True
        self.fields["join_code"].widget.attrs.update(
            autocapitalize="characters", autocomplete="off"
        )
        self.order_fields(["join_code", "first_name", "last_name", "username"])
        _autofocus_first(self)

    def clean_join_code(self):
        code = normalize_join_code(self.cleaned_data["join_code"])
        if not Classroom.objects.filter(join_code=code, archived=False).exists():
            raise forms.ValidationError(
                "No class has that code. Check it with your teacher; codes look like ABCD-1234."
            )
        return code

    def save(self, commit=True):
        user = super().save(commit=False)
        user.role = User.Role.STUDENT
        if commit:
            user.save()
        return user


class JoinClassForm(forms.Form):
    join_code = forms.CharField(
        max_length=20, help_text="The class code your teacher gave you, for example ABCD-1234."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["join_code"].widget.attrs.update(
            autocapitalize="characters", autocomplete="off"
        )


# --- Teacher forms: classes, assignments and feedback ---------------------------------------


class DateTimeLocalInput(forms.DateTimeInput):
    """The browser's date-and-time picker. Its value has no time zone: the form reads it in the
    school's (the current) time zone."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


class MinuteDateTimeField(forms.DateTimeField):
    """A time exact to the minute: seconds are dropped, so "due 8:00" means 8:00:00 sharp."""

    widget = DateTimeLocalInput

    def to_python(self, value):
        result = super().to_python(value)
        if result:
            try:
                # The database stores UTC: 31 Dec 9999 in the evening is past the last year.
                result.astimezone(datetime.UTC)
            except OverflowError:
                raise forms.ValidationError(
                    "That date is out of range. Choose a date in the next few years."
                ) from None
        return result.replace(second=0, microsecond=0) if result else result


def _school_time_help(text: str) -> str:
    return f"{text} School time ({settings.TIME_ZONE})."


class ClassroomForm(forms.ModelForm):
    class Meta:
        model = Classroom
        fields = ["name"]
        labels = {"name": "Class name"}
        help_texts = {"name": "For example “Period 2 World History”. Your students see this name."}


class _AssignmentTimesMixin:
    """The due time is after the opening time and, when it is set or changed, in the future."""

    def clean_due_at(self):
        due_at = self.cleaned_data["due_at"]
        stored = getattr(getattr(self, "instance", None), "due_at", None)
        if stored and due_at == stored.replace(second=0, microsecond=0):
            # Unchanged: keep the stored value exactly, even if it has already passed.
            return stored
        if due_at <= timezone.now():
            raise forms.ValidationError(
                "That time has already passed. Choose a due time in the future."
            )
        return due_at

    def clean(self):
        cleaned = super().clean()
        opens_at, due_at = cleaned.get("opens_at"), cleaned.get("due_at")
        if opens_at and due_at and due_at <= opens_at:
            self.add_error("due_at", "The due time must be after the opening time.")
        return cleaned


class AssignmentCreateForm(_AssignmentTimesMixin, forms.Form):
    lesson = forms.ModelChoiceField(
        queryset=Lesson.objects.published(),
        to_field_name="slug",
        empty_label="Choose a lesson",
        help_text="Only published lessons from the library can be assigned.",
    )
    instructions = forms.CharField(
        label="Instructions for students",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Optional. Shown above the reading, for example “Answer in full sentences”.",
    )
    opens_at = MinuteDateTimeField(label="Opens")
    due_at = MinuteDateTimeField(label="Due")
    late_policy = forms.ChoiceField(
        label="Late work",
        choices=Assignment.LatePolicy.choices,
        initial=Assignment.LatePolicy.ACCEPT,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["opens_at"].help_text = _school_time_help(
            "Students see the assignment from this time."
        )
        self.fields["due_at"].help_text = _school_time_help(
            "Work turned in after this minute is marked late."
        )


class AssignmentEditForm(_AssignmentTimesMixin, forms.ModelForm):
    class Meta:
        model = Assignment
        fields = ["instructions", "opens_at", "due_at", "late_policy"]
        field_classes = {"opens_at": MinuteDateTimeField, "due_at": MinuteDateTimeField}
        widgets = {
            "instructions": forms.Textarea(attrs={"rows": 3}),
            "late_policy": forms.RadioSelect,
        }
        labels = {
            "instructions": "Instructions for students",
            "opens_at": "Opens",
            "due_at": "Due",
            "late_policy": "Late work",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["opens_at"].help_text = _school_time_help(
            "Students see the assignment from this time."
        )
        self.fields["due_at"].help_text = _school_time_help(
            "Changing it re-checks the late flag of work already turned in: work turned in "
            "by the new due time is no longer marked late, and work turned in after it is."
        )


class FeedbackForm(forms.Form):
    """A teacher's comment and points on several answers, plus an optional overall comment.

    ``responses`` are Response rows with their prompt loaded; ``label_for(response)`` names an
    answer in its field labels ("prompt 2", "Sam Student"), so every input has a unique label.
    """

    def __init__(self, *args, responses, label_for, overall_comment=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.responses = list(responses)
        if overall_comment is not None:
            self.fields["comment"] = forms.CharField(
                label="Overall comment",
                required=False,
                initial=overall_comment,
                widget=forms.Textarea(attrs={"rows": 3}),
                help_text="Private until you return the work.",
            )
        for response in self.responses:
            name = label_for(response)
            self.fields[f"comment_{response.pk}"] = forms.CharField(
                label=f"Comment on {name}",
                required=False,
                initial=response.comment,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[f"points_{response.pk}"] = forms.DecimalField(
                label=f"Points for {name} (out of {response.prompt.points})",
                required=False,
                initial=response.points,
                min_value=0,
                max_value=response.prompt.points,
                max_digits=5,
                decimal_places=1,
                widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "any"}),
            )

    def fields_for(self, response):
        return self[f"comment_{response.pk}"], self[f"points_{response.pk}"]

    def feedback(self, changed_only=False):
        """``{response pk: (comment, points)}`` as services.feedback_save takes it."""
        result = {}
        for response in self.responses:
            names = (f"comment_{response.pk}", f"points_{response.pk}")
            if changed_only and not any(name in self.changed_data for name in names):
                continue
            result[response.pk] = tuple(self.cleaned_data[name] for name in names)
        return result

    def add_service_error(self, error):
        """Put a services.feedback_save error next to the input it is about."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for key, messages in error.message_dict.items():
            field = f"points_{key}"
            self.add_error(field if field in self.fields else None, messages)


class ReadingPreferencesForm(forms.ModelForm):
    """A person's own text size and line spacing for readings (kept with the account)."""

    class Meta:
        model = User
        fields = ["text_size", "line_spacing"]
        widgets = {"text_size": forms.RadioSelect, "line_spacing": forms.RadioSelect}
