"""Every dashboard page in a real browser: the charts draw, no script fails,
and axe-core finds no serious or critical accessibility problem."""

import io

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command

from plans.models import User
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PLAN = "NSP-2024-2028"
PAGES = [
    f"/dashboards/{PLAN}/?period=2026-Q2",
    f"/dashboards/{PLAN}/pillars/P4/?period=2026-Q2",
    f"/dashboards/{PLAN}/objectives/O4.1/?period=2026-Q2",
    f"/dashboards/{PLAN}/indicators/I4.1.1/?period=2026-Q2",
    # Targets revised by the demo's mid-term review, against either set of targets.
    f"/dashboards/{PLAN}/indicators/I2.4.1/?period=2026-Q2",
    f"/dashboards/{PLAN}/indicators/I2.4.1/?period=2026-Q2&targets=original",
    f"/plans/{PLAN}/indicators/I2.4.1/targets/",
    f"/dashboards/{PLAN}/organisations/MOI/?period=2026-Q2",
    f"/dashboards/{PLAN}/justice-chain/?period=2026-Q2",
    "/review/",
    f"/review/status/?plan={PLAN}",
    "/reports/?organisation=MOI",
]


@pytest.fixture
def demo():
    call_command("seed_demo", stdout=io.StringIO())
    admin = User.objects.get(username="admin")
    admin.set_password(PASSWORD)
    admin.save()


def serious_problems(page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes'][:3]]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def open_and_check(page, url: str) -> None:
    console = []
    page.on("console", lambda message: message.type == "error" and console.append(message.text))
    page.goto(url)
    charts = page.locator("[data-chart]")
    for index in range(charts.count()):
        # charts.js marks each chart once Plotly has drawn it.
        page.wait_for_function(
            "el => el.dataset.drawn === 'true'", arg=charts.nth(index).element_handle(), timeout=15_000
        )
    assert console == [], f"{url}: console errors {console}"
    assert page.console_errors == [], f"{url}: script errors {page.console_errors}"
    problems = serious_problems(page)
    assert problems == [], f"{url}: " + "; ".join(problems)


def test_every_dashboard_page_draws_its_charts_and_passes_axe(page, demo):
    sign_in(page, "admin", PASSWORD)
    for url in PAGES:
        open_and_check(page, url)


def test_the_public_summary_draws_for_anonymous_visitors_and_passes_axe(page, demo):
    open_and_check(page, f"/public/{PLAN}/")


def test_a_phone_sized_screen_shows_the_plan_overview(browser, live_server, demo):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.console_errors = []
    page.on("pageerror", lambda error: page.console_errors.append(str(error)))
    sign_in(page, "admin", PASSWORD)
    open_and_check(page, f"/dashboards/{PLAN}/?period=2026-Q2")
    # Nothing wider than the screen but the tables' own scroll areas.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    context.close()


def test_the_administrator_revises_a_target_and_sees_both_on_the_dashboard(page, demo):
    sign_in(page, "admin", PASSWORD)
    page.goto(f"/dashboards/{PLAN}/indicators/I4.1.1/?period=2026-Q2")
    page.get_by_role("link", name="Revise targets").click()

    page.get_by_label("2027").fill("1500")
    page.get_by_label("Review", exact=True).fill("Mid-term review 2026")
    page.get_by_role("button", name="Revise targets").click()
    # No rationale: the form says so next to the field, and keeps what was typed.
    rationale = page.get_by_label("Rationale")
    assert "This field is required." in page.locator("#id_rationale-error").inner_text()
    assert page.get_by_label("2027").input_value() == "1500"

    rationale.fill("More victims identified at the border than the plan assumed.")
    page.get_by_role("button", name="Revise targets").click()
    page.wait_for_url(f"**/dashboards/{PLAN}/indicators/I4.1.1/")
    assert "1 target of I4.1.1 revised" in page.content()
    targets = page.get_by_role("table", name="Targets by year")
    assert "Original" in targets.inner_text() and "1,500" in targets.inner_text()

    page.get_by_role("link", name="original targets").click()
    page.wait_for_url("**targets=original**")
    assert "Worked out for this page by the scoring rule" in page.content()
