"""The audit page's filters, read from the query string: who, what, plan, when."""

from django import forms
from django.utils.translation import gettext_lazy as _

from plans.audit.actions import action_choices
from plans.audit.selectors import AuditFilters
from plans.models import Plan


class PlanChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} · {obj.display_name}"


class AuditFilterForm(forms.Form):
    who = forms.CharField(
        label=_("Who"),
        required=False,
        max_length=150,
        help_text=_("A username, exactly; failed sign-ins are found by the username tried."),
        widget=forms.TextInput(attrs={"placeholder": _("username"), "autocomplete": "off"}),
    )
    what = forms.ChoiceField(label=_("What"), required=False)
    plan = PlanChoiceField(
        label=_("Plan"),
        queryset=Plan.objects.order_by("-start_year", "code"),
        to_field_name="code",
        required=False,
        empty_label=_("All plans"),
    )
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["what"].choices = action_choices()
        for name, field in self.fields.items():
            field.widget.attrs["class"] = (
                "form-select form-select-sm" if name in ("what", "plan") else "form-control form-control-sm"
            )

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", _("The last day must not be before the first."))
        return data

    def filters(self) -> AuditFilters:
        """The valid filters; a filter with a bad value is left out (and shown as an error)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return AuditFilters(
            who=(data.get("who") or "").strip(),
            what=data.get("what") or "",
            plan=data.get("plan"),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )
