"""At a phone's width (390 px) the pages fit the screen: nothing scrolls
sideways but a wide table inside its own box, the buttons are whole, the
pillar table keeps its Status column and no chart toolbar covers the labels."""

import io

import pytest
from django.core.management import call_command

from plans.models import User
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PLAN = "NSP-2024-2028"
PHONE = {"width": 390, "height": 844}
MY_REPORTS = "/reports/?organisation=MOI"
PILLAR = f"/dashboards/{PLAN}/pillars/P1/?period=2026-Q2"
PAGES = [
    MY_REPORTS,
    PILLAR,
    f"/dashboards/{PLAN}/?period=2026-Q2",
    f"/dashboards/{PLAN}/objectives/O1.2/?period=2026-Q2",
    # A percentage by organisation, a count with its disaggregation, a milestone.
    f"/dashboards/{PLAN}/indicators/I1.2.2/?period=2026-Q2",
    f"/dashboards/{PLAN}/indicators/I4.1.1/?period=2026-Q2",
    f"/dashboards/{PLAN}/indicators/I1.1.2/?period=2026-Q2",
]


@pytest.fixture
def phone(browser, live_server):
    call_command("seed_demo", stdout=io.StringIO())
    admin = User.objects.get(username="admin")
    admin.set_password(PASSWORD)
    admin.save()
    context = browser.new_context(base_url=live_server.url, viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, "admin", PASSWORD)
    yield page
    context.close()


def open_drawn(page, url: str) -> None:
    page.goto(url)
    charts = page.locator("[data-chart]")
    for index in range(charts.count()):
        page.wait_for_function("el => el.dataset.drawn === 'true'", arg=charts.nth(index).element_handle())


def overflow(page) -> int:
    """How far the page is wider than the screen, in pixels (0: it fits)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def within_screen(page, locator) -> bool:
    box = locator.bounding_box()
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]


def test_no_page_is_wider_than_a_phone(phone):
    for url in PAGES:
        open_drawn(phone, url)
        assert overflow(phone) <= 0, f"{url} is {overflow(phone)} px wider than the screen"


def test_my_reports_shows_every_button_whole_on_a_phone(phone):
    open_drawn(phone, MY_REPORTS)
    buttons = phone.locator("main table .btn")
    assert buttons.count() > 0
    for index in range(buttons.count()):
        # Where the button is without scrolling anything sideways.
        button = buttons.nth(index)
        assert within_screen(phone, button), f"button {button.inner_text()!r} is cut off"


def test_the_pillar_table_keeps_its_status_column_on_a_phone(phone):
    open_drawn(phone, PILLAR)
    status = phone.get_by_role("columnheader", name="Status", exact=True)
    assert status.is_visible()
    assert within_screen(phone, status), "the Status column is off the screen"
    # Each objective's status is on the screen too, next to its name.
    badges = phone.locator("table .ntip-status")
    assert badges.count() == 3
    assert all(within_screen(phone, badges.nth(i)) for i in range(badges.count()))


def test_no_chart_toolbar_covers_the_labels_on_a_phone(phone):
    open_drawn(phone, PILLAR)
    chart = phone.locator("[data-chart]").first
    chart.hover()
    assert phone.locator(".modebar").count() == 0
