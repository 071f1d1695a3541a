"""The form for revising an indicator's targets."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy, pgettext_lazy

from plans.formatting import plain_number
from plans.forms import NumberField, ServiceForm


class TargetRevisionForm(ServiceForm):
    """One field per plan year that has a target, filled with the target in
    force; the years whose figure is changed are revised (targets/services.py, targets_revise)."""

    review = forms.CharField(
        # The review of the plan that revised the targets (e.g. the mid-term review),
        # not the secretariat's review of a report.
        label=pgettext_lazy("a review of the plan", "Review"),
        max_length=200,
        help_text=gettext_lazy("The review that decided the revision, e.g. Mid-term review 2026."),
    )
    rationale = forms.CharField(
        label=gettext_lazy("Rationale"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "Why the targets change. The original targets and this reason stay on record."
        ),
    )

    def __init__(self, *args, targets, **kwargs):
        super().__init__(*args, **kwargs)
        self.targets = list(targets)  # Target rows annotated with in_force
        for target in self.targets:
            # Khmer digits are read too (NumberField).
            self.fields[self.year_field(target.year)] = NumberField(
                label=str(target.year),
                required=False,
                min_value=0,
                max_digits=16,
                decimal_places=4,
                initial=plain_number(target.in_force),
            )

    @staticmethod
    def year_field(year: int) -> str:
        return f"year_{year}"

    def year_rows(self):
        """(target, bound field) per year, for the template's table."""
        return [(target, self[self.year_field(target.year)]) for target in self.targets]

    def new_values(self) -> dict[int, Decimal]:
        """The years given a figure; an emptied field leaves its year alone."""
        values = {}
        for target in self.targets:
            value = self.cleaned_data.get(self.year_field(target.year))
            if value is not None:
                values[target.year] = value
        return values
