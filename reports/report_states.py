"""A quarterly report's state, in the one vocabulary every page uses.

Not started (no report yet), draft, submitted, returned, approved; "late" is a
marker beside them, never a state. The stored states and their labels are
``ReportState``'s; "not started" is the one state without a row, named here.
A report is *received* once submitted or approved (docs/scoring.md,
"Reporting completeness"); the others are *not received*.
"""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from indicators.models import ReportState

# No report for the organisation and period: not a stored state.
NOT_STARTED = "NOT_STARTED"
NOT_STARTED_LABEL = _("Not started")

RECEIVED = (ReportState.SUBMITTED, ReportState.APPROVED)
# The states of a report not received, in the order pages list them.
NOT_RECEIVED = (NOT_STARTED, ReportState.DRAFT, ReportState.RETURNED)


def report_state(stored: str | None) -> str:
    """The state of an organisation's report for a period: its stored state,
    or NOT_STARTED where it has none."""
    return stored or NOT_STARTED


def report_state_label(state: str | None) -> str:
    """The state's label: Not started, Draft, Submitted, Returned or Approved."""
    if state in (None, "", NOT_STARTED):
        return str(NOT_STARTED_LABEL)
    return str(ReportState(state).label)


def report_state_count(state: str, count: int) -> str:
    """A count of reports in a state, as a summary lists them: "12 not
    started", "13 drafts", "2 returned"."""
    texts = {
        NOT_STARTED: ngettext("%(count)s not started", "%(count)s not started", count),
        ReportState.DRAFT: ngettext("%(count)s draft", "%(count)s drafts", count),
        ReportState.SUBMITTED: ngettext("%(count)s submitted", "%(count)s submitted", count),
        ReportState.RETURNED: ngettext("%(count)s returned", "%(count)s returned", count),
        ReportState.APPROVED: ngettext("%(count)s approved", "%(count)s approved", count),
    }
    return texts[report_state(state)] % {"count": count}
