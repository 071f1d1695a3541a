"""The upload form of the import pages."""

from pathlib import Path

from django import forms
from django.utils.translation import gettext_lazy as _

ACCEPTED = (".xlsx", ".csv")


class ValuesFileForm(forms.Form):
    file = forms.FileField(
        label=_("Values file (.xlsx or .csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(ACCEPTED), "class": "form-control"}),
    )

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        if Path(uploaded.name or "").suffix.lower() not in ACCEPTED:
            raise forms.ValidationError(_("Upload an Excel workbook (.xlsx) or a CSV file (.csv)."))
        return uploaded
