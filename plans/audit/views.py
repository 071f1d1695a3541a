"""The audit page (/audit/); handler403, which records every page refused;
and api_exception_handler, which does the same for the API.

The page only reads: GET, no form that writes, and the admin's audit events
stay read-only (plans/admin.py AuditEventAdmin).
"""

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.http import require_GET
from rest_framework import exceptions as api_exceptions
from rest_framework.views import exception_handler

from plans.access import user_can_read_audit
from plans.audit.forms import AuditFilterForm
from plans.audit.recording import access_denied_record
from plans.audit.selectors import audit_page


@require_GET
def audit_list(request):
    """Who did what, newest first, 50 to a page."""
    if not user_can_read_audit(request.user):
        raise PermissionDenied(_("Only the secretariat reads the audit trail."))
    form = AuditFilterForm(request.GET)
    result = audit_page(filters=form.filters(), page_number=request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "plans/audit/audit_list.html",
        {"nav": "audit", "form": form, "rows": result.rows, "page": result.page, "query": query.urlencode()},
    )


def access_denied(request, exception=None):
    """handler403 (ntip/urls.py): record the refusal, then answer as Django
    does, with templates/403.html and the refusal's message."""
    access_denied_record(request, exception)
    return defaults.permission_denied(request, exception)


def api_exception_handler(exc, context):
    """REST_FRAMEWORK["EXCEPTION_HANDLER"]: DRF answers the API's refusals
    itself, never through handler403, so they are recorded here, then
    answered as DRF does. A request without credentials (401) is not a refusal."""
    if isinstance(exc, PermissionDenied | api_exceptions.PermissionDenied):
        access_denied_record(context["request"], exc.detail if hasattr(exc, "detail") else exc)
    return exception_handler(exc, context)
