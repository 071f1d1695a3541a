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
        periods = ReportingPeriod.objects.begun(timezone.localdate())
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


class ReturnForm(ReviewCommentForm):
    """Returning a report: the comment on the whole report (required by the
    service) and, optionally, a comment on any of its lines, each shown to the
    focal point next to that line. The line boxes sit in the lines' rows on the
    page and belong to this form by their ``form`` attribute."""

    def __init__(self, *args, lines: list[tuple[str, int, str]] = (), **kwargs):
        super().__init__(*args, **kwargs)
        for kind, object_id, code in lines:
            self.fields[line_comment_field(kind, object_id)] = forms.CharField(
                label=_("Comment on %(code)s (if you return the report)") % {"code": code},
                required=False,
                max_length=5000,
                # The box sits in the line's row, away from the return's <form>.
                widget=forms.Textarea(
                    attrs={"rows": 2, "class": "form-control form-control-sm", "form": RETURN_FORM_ID}
                ),
            )

    def line_comments(self, kind: str) -> dict[int, str]:
        """The comments typed, by indicator or activity id."""
        prefix = f"line-{kind}-"
        return {
            int(name.removeprefix(prefix)): text
            for name, text in self.cleaned_data.items()
            if name.startswith(prefix) and text.strip()
        }

    def add_service_errors(self, error) -> None:
        """The service's messages: about a line (``indicator-12-comment``) next
        to its box, the rest next to the comment on the whole report."""
        for key, messages in error.message_dict.items():
            kind, _sep, rest = key.partition("-")
            object_id = rest.partition("-")[0]
            name = line_comment_field(kind, int(object_id)) if object_id.isdigit() else "comment"
            for message in messages:
                self.add_error(name if name in self.fields else "comment", message)


# The id of the return's <form> on the review page (review_report.html).
RETURN_FORM_ID = "review-return"


def line_comment_field(kind: str, object_id: int) -> str:
    return f"line-{kind}-{object_id}"
