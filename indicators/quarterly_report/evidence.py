"""Evidence files attached to a quarterly report: what may be uploaded (type,
size, content that matches the name) and attaching or removing one.
"""

import zipfile
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from indicators.models import (
    Evidence,
    Indicator,
    QuarterlyReport,
)
from indicators.quarterly_report.expected import report_expected_indicators
from indicators.quarterly_report.services import line_field, require_editable
from plans.access import user_can_edit_report
from plans.services import audit_record

# The first bytes each kind of file starts with. A file whose content does not
# match its extension is refused: a renamed .exe must not pass for a PDF.
PDF_MAGIC = (b"%PDF-",)


PNG_MAGIC = (b"\x89PNG\r\n\x1a\n",)


JPEG_MAGIC = (b"\xff\xd8\xff",)


ZIP_MAGIC = (b"PK\x03\x04",)


OLE_MAGIC = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)  # the old .doc and .xls


EVIDENCE_MAGIC = {
    ".pdf": PDF_MAGIC,
    ".png": PNG_MAGIC,
    ".jpg": JPEG_MAGIC,
    ".jpeg": JPEG_MAGIC,
    ".docx": ZIP_MAGIC,
    ".xlsx": ZIP_MAGIC,
    ".odt": ZIP_MAGIC,
    ".ods": ZIP_MAGIC,
    ".doc": OLE_MAGIC,
    ".xls": OLE_MAGIC,
}


# A ZIP-based office file holds one of these; any other ZIP archive is refused.
OFFICE_ZIP_MEMBERS = ("[Content_Types].xml", "mimetype")


def evidence_extension(name: str) -> str:
    return Path(name or "").suffix.lower()


def evidence_file_errors(uploaded_file) -> list[str]:
    """Why a file cannot be attached as evidence, or [] if it can: the
    extension must be one of settings.EVIDENCE_TYPES, the size at most
    settings.EVIDENCE_MAX_BYTES, and the first bytes must match the extension."""
    name = uploaded_file.name or ""
    extension = evidence_extension(name)
    allowed = settings.EVIDENCE_TYPES
    if extension not in allowed:
        return [
            _("%(name)s: this kind of file cannot be attached. Attach one of: %(types)s.")
            % {"name": name, "types": ", ".join(sorted(allowed))}
        ]
    if uploaded_file.size > settings.EVIDENCE_MAX_BYTES:
        return [
            _("%(name)s is %(size)s; a file may be at most %(limit)s.")
            % {
                "name": name,
                "size": filesizeformat(uploaded_file.size),
                "limit": filesizeformat(settings.EVIDENCE_MAX_BYTES),
            }
        ]
    if uploaded_file.size == 0:
        return [_("%(name)s is empty.") % {"name": name}]
    if not evidence_content_matches(uploaded_file, extension):
        return [
            _("%(name)s is not really a %(type)s file. Save it again in that format, or rename it.")
            % {"name": name, "type": extension.lstrip(".").upper()}
        ]
    return []


def evidence_content_matches(uploaded_file, extension: str) -> bool:
    magic = EVIDENCE_MAGIC.get(extension)
    if magic is None:
        # A type the secretariat added in the settings, with no known signature.
        return True
    uploaded_file.seek(0)
    head = uploaded_file.read(16)
    uploaded_file.seek(0)
    if not head.startswith(magic):
        return False
    if magic is ZIP_MAGIC:
        try:
            with zipfile.ZipFile(uploaded_file) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return False
        finally:
            uploaded_file.seek(0)
        return any(member in names for member in OFFICE_ZIP_MEMBERS)
    return True


@transaction.atomic
def evidence_attach(*, actor, report: QuarterlyReport, indicator: Indicator, uploaded_file) -> Evidence:
    """Attach a file that backs one of the report's figures, while the report
    can still be edited. Errors are keyed like the form's field,
    ``indicator-12-evidence``."""
    if not user_can_edit_report(actor, report.organisation):
        raise PermissionDenied(_("You may not edit %(org)s's report.") % {"org": report.organisation.code})
    require_editable(report)
    field_name = line_field("indicator", indicator.pk, "evidence")
    if indicator.pk not in report_expected_indicators(report):
        raise ValidationError(
            {field_name: [_("This indicator is not one your organisation reports for this period.")]}
        )
    errors = evidence_file_errors(uploaded_file)
    if errors:
        raise ValidationError({field_name: errors})
    evidence = Evidence(
        report=report,
        indicator=indicator,
        original_name=uploaded_file.name[:255],
        content_type=settings.EVIDENCE_TYPES[evidence_extension(uploaded_file.name)],
        size=uploaded_file.size,
        uploaded_by=actor,
    )
    # Its history says who added it, and later who removed it (the review
    # lists files added or removed since the version the reviewer saw).
    evidence._history_user = actor
    evidence.file.save(uploaded_file.name, uploaded_file, save=False)
    try:
        evidence.save()
    except Exception:
        # No row, no file. (A rollback of an enclosing transaction later on can
        # still leave an unreferenced file under MEDIA_ROOT; it is never served.)
        evidence.file.storage.delete(evidence.file.name)
        raise
    audit_record(
        actor=actor,
        action="evidence.attach",
        target=evidence,
        plan=report.period.plan,
        details={
            "report": report.pk,
            "indicator": indicator.code,
            "name": evidence.original_name,
            "size": evidence.size,
        },
    )
    return evidence


@transaction.atomic
def evidence_remove(*, actor, evidence: Evidence) -> None:
    """Remove an evidence file from a report that can still be edited."""
    report = evidence.report
    if not user_can_edit_report(actor, report.organisation):
        raise PermissionDenied(_("You may not edit %(org)s's report.") % {"org": report.organisation.code})
    require_editable(report)
    audit_record(
        actor=actor,
        action="evidence.remove",
        target=evidence,
        plan=report.period.plan,
        details={"report": report.pk, "name": evidence.original_name, "size": evidence.size},
    )
    stored_name, storage = evidence.file.name, evidence.file.storage
    evidence._history_user = actor
    evidence.delete()
    # The file goes only once the row is gone for good.
    transaction.on_commit(lambda: storage.delete(stored_name))
