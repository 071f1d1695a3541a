"""The pages each role reaches from the menu on the demo plan: the browser's
page-fit test opens them all, the Khmer test reads each one in Khmer."""

from indicators.models import QuarterlyReport, ReportState

PLAN = "NSP-2024-2028"


def menu_pages(username: str) -> list[str]:
    """The pages each role reaches from the menu, the open quarter (2026-Q3)
    and the published one (2026-Q2) both."""
    dashboards = [
        "/",
        "/dashboards/",
        f"/dashboards/{PLAN}/",
        f"/dashboards/{PLAN}/organisations/",
        f"/dashboards/{PLAN}/pillars/P1/",
        f"/dashboards/{PLAN}/objectives/O2.1/",
        f"/dashboards/{PLAN}/indicators/I2.1.1/",
        f"/dashboards/{PLAN}/indicators/I1.2.1/",  # a milestone
        f"/dashboards/{PLAN}/organisations/MOI/",
        f"/dashboards/{PLAN}/justice-chain/",
        f"/plans/{PLAN}/",
    ]
    if username != "partner":
        # The open quarter: partners may not see it (a 404, tested elsewhere).
        dashboards.append(f"/dashboards/{PLAN}/?period=2026-Q3")
    if username == "reviewer":
        submitted = QuarterlyReport.objects.filter(state=ReportState.SUBMITTED).order_by("pk").first()
        return [
            *dashboards,
            "/review/",
            f"/review/reports/{submitted.pk}/",
            f"/review/status/?plan={PLAN}",
            f"/review/status/{PLAN}/2026-Q3/publish/",
        ]
    if username == "focal":
        return [*dashboards, "/reports/", f"/reports/MOI/{PLAN}/2026-Q3/"]
    return dashboards
