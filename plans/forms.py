"""Form helpers shared by every app."""

from django import forms
from django.core.exceptions import ValidationError

from plans.formatting import ascii_digits


class NumberField(forms.DecimalField):
    """A figure typed in a form, in either digit set: Khmer digits (០–៩, from
    a Khmer keyboard) are read as 0–9 (plans.formatting.ascii_digits), then as
    Django's DecimalField reads them, its messages and limits included."""

    def to_python(self, value):
        return super().to_python(ascii_digits(value) if isinstance(value, str) else value)


class ServiceForm(forms.Form):
    """A form whose service refuses with a ValidationError keyed like its
    fields: each message lands next to the field it names."""

    def add_service_errors(self, error: ValidationError) -> None:
        if not hasattr(error, "error_dict"):
            for message in error.messages:
                self.add_error(None, message)
            return
        for name, messages in error.message_dict.items():
            for message in messages:
                self.add_line_error(name, message)

    def add_line_error(self, name: str, message: str) -> None:
        """A name the form has no field for ("__all__" included) is said above the form."""
        self.add_error(name if name in self.fields else None, message)
