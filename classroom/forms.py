from django import forms
from django.contrib.auth.forms import UserCreationForm

from classroom.models import Classroom, User, normalize_join_code


class TeacherSignupForm(UserCreationForm):
    class Meta:
        model = User
        fields = ["first_name", "last_name", "username", "email"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("first_name", "last_name", "email"):
            self.fields[name].required = True
        self.fields["email"].help_text = "Used only to reset your password."

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
