"""Forms of the secretariat's review pages: the queue's filters and the review actions.

The rules (a return needs a comment, a reopening a reason) live in the
services; these forms only carry what the reviewer typed, and show the
services' messages next to the field.
"""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from indicators.models import ReportState
from plans.models import Organisation, Plan, ReportingPeriod
from strategies.models import Pillar

ALL_STATES = "ALL"


class PlanChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} · {obj.display_name}"


class CodeNameChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} · {obj.display_name}"


class PillarChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.plan.code} {obj.code} · {obj.display_name}"


class ReviewQueueFilterForm(forms.Form):
    """The queue's filters, read from the query string. With no state given, the
    queue shows what waits for a reviewer: submitted reports."""

    plan = PlanChoiceField(
        label=_("Plan"),
        queryset=Plan.objects.order_by("-start_year", "code"),
        to_field_name="code",
        required=False,
        empty_label=_("All plans"),
    )
    period = forms.ChoiceField(label=_("Period"), required=False)
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[*ReportState.choices, (ALL_STATES, _("All states"))],
    )
    pillar = PillarChoiceField(
        label=_("Pillar"), queryset=Pillar.objects.none(), required=False, empty_label=_("All pillars")
    )
    organisation = CodeNameChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.exclude(
            kind__in=[Organisation.Kind.PARTNER, Organisation.Kind.SECRETARIAT]
        ).order_by("code"),
        to_field_name="code",
        required=False,
        empty_label=_("All organisations"),
    )

    def __init__(self, data, *args, **kwargs):
        data = data.copy()
        data.setdefault("state", ReportState.SUBMITTED)
        super().__init__(data, *args, **kwargs)
        # Periods and pillars of the chosen plan (one query each); of every plan when none is chosen.
        plan_code = data.get("plan")
        # No quarter after the current one: nothing can be reported for it.
        periods = ReportingPeriod.objects.filter(start__lte=timezone.localdate())
        if plan_code:
            periods = periods.filter(plan__code=plan_code)
        codes = periods.order_by("year", "quarter").values_list("code", flat=True).distinct()
        self.fields["period"].choices = [("", _("All periods")), *((c, c) for c in codes)]
        pillars = Pillar.objects.select_related("plan").order_by("plan__code", "position", "code")
        self.fields["pillar"].queryset = pillars.filter(plan__code=plan_code) if plan_code else pillars
        for bound in self:
            bound.field.widget.attrs["class"] = "form-select form-select-sm"

    def filters(self) -> dict:
        """The valid filters as keyword arguments of reports_for_review(); a
        filter with a bad value is left out (and shown as an error)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        state = data.get("state") or ReportState.SUBMITTED
        return {
            "plan": data.get("plan"),
            "period_code": data.get("period") or "",
            "state": "" if state == ALL_STATES else state,
            "pillar": data.get("pillar"),
            "organisation": data.get("organisation"),
        }


class ReviewCommentForm(forms.Form):
    """The comment of an approval (optional), a return or a reopening (required
    by the service, which gives the message)."""

    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
    )
