"""Every page a user reaches from the menu, at a laptop's width (1366 px) and a
phone's (390 px): nothing wider than the screen (the tables' own scroll areas
aside), no script or console error, no serious or critical axe-core problem."""

import io

import pytest
from django.core.management import call_command

from plans.models import User
from tests.browser.conftest import sign_in
from tests.browser.test_dashboard_pages import open_and_check
from tests.conftest import PASSWORD
from tests.menu_pages import PLAN, menu_pages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (1366, 390)


@pytest.fixture
def demo():
    call_command("seed_demo", stdout=io.StringIO())
    for username in ("admin", "reviewer", "focal", "partner"):
        user = User.objects.get(username=username)
        user.set_password(PASSWORD)
        user.save()


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("username", ["reviewer", "focal", "partner"])
def test_every_page_fits_the_screen_and_passes_axe(browser, live_server, demo, username, width):
    context = browser.new_context(base_url=live_server.url, viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.console_errors = []
    page.on("pageerror", lambda error: page.console_errors.append(str(error)))
    sign_in(page, username, PASSWORD)
    for url in menu_pages(username):
        open_and_check(page, url)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{url} at {width} px is {overflow} px wider than the screen"
    context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_login_and_public_pages_fit_the_screen_and_pass_axe(browser, live_server, demo, width):
    context = browser.new_context(base_url=live_server.url, viewport={"width": width, "height": 900})
    page = context.new_page()
    page.console_errors = []
    page.on("pageerror", lambda error: page.console_errors.append(str(error)))
    for url in ("/accounts/login/", f"/public/{PLAN}/"):
        open_and_check(page, url)
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0, url
    context.close()
