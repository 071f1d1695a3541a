"""The quarterly progress report as a printable page,
``/dashboards/<plan>/progress-report/?period=`` (``dashboards:progress-report``).

Thin, as the dashboard pages are: the "as of" period and its 404s are theirs
(reports.dashboards.views), the report is the selector's, the charts are
reports/dashboards/charts.py's. The page prints on A4 with static/ntip/print.css.
"""

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from plans.access import plan_get_for_user_or_404
from reports.dashboards import charts
from reports.dashboards.views import as_of_context, chart_block, dashboard_page, progress_chart
from reports.progress_report.selectors import progress_report
from reports.progress_report.workbook import method_in_brief


def _chain_chart(table) -> dict:
    # A suppressed count ("<5") is text: drawn as no bar, told in the table beside.
    return chart_block(
        f"chart-chain-{table.chain.key}",
        _("%(chain)s, per year") % {"chain": table.chain.title},
        charts.justice_chain_figure(table),
        charts.justice_chain_summary(table),
    )


@require_GET
@dashboard_page
def progress_report_page(request, plan_code: str):
    plan = plan_get_for_user_or_404(request.user, plan_code)
    context = as_of_context(request, plan)
    period = context["period"]
    report = progress_report(
        plan=plan,
        period=period,
        periods=context["periods"],
        user=request.user,
        computed_at=context["computed_at"],
    )
    context.update(
        report=report,
        method=method_in_brief(plan),
        workbook_url=reverse("api:progress-report", kwargs={"code": plan.code, "period": period.code}),
        charts={
            "overall": chart_block(
                "chart-overall",
                _("Overall progress against expected"),
                charts.overall_figure(report.overall),
                charts.overall_summary(report.overall),
            ),
            "pillars": progress_chart("chart-pillars", _("Progress by pillar"), report.pillars),
            "completeness": chart_block(
                "chart-completeness",
                _("Reports for the period"),
                charts.completeness_figure(report.completeness),
                charts.completeness_summary(report.completeness),
            ),
        },
        # Each table with its chart and its columns: a step and the indicator measuring it.
        chain=[
            (table, _chain_chart(table), list(zip(table.chain.steps, table.indicators, strict=True)))
            for table in report.justice_chain
        ],
    )
    return render(request, "reports/progress_report/progress_report.html", context)
