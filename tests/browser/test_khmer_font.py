"""Khmer in the browser is drawn with the Noto Sans Khmer that NTIP serves
(static/ntip/ntip.css @font-face, docs/languages.md), on a machine that has
no Khmer font of its own: glyphs, not boxes, in the page and in its charts.

Which font drew a piece of text is Chromium's own answer: DevTools'
CSS.getPlatformFontsForNode names each font that drew the glyphs of an
element's text, how many, and whether it was a web font ("custom"). A
character no font has would be drawn as a box by a font other than the shipped
one, so "nothing else drew a Khmer character" is: the other fonts drew no more
glyphs than the text has characters outside Khmer.
"""

import base64
import io
import re

import pytest
from django.core.management import call_command

from plans.models import User
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PLAN_DASHBOARD = "/dashboards/NSP-2024-2028/?period=2026-Q2"
FONT_URL = "/static/fonts/NotoSansKhmer.ttf"
KHMER = re.compile("[\u1780-\u17ff\u19e0-\u19ff]")
WIDTHS = (1366, 390)

# Marks the element whose own text holds the first Khmer character under
# ``root``, and answers that text (the text that element's fonts drew).
MARK_KHMER_TEXT = """root => {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (/[\\u1780-\\u17ff]/.test(node.data)) {
      const element = node.parentElement;
      element.setAttribute("data-font-probe", "");
      return [...element.childNodes].filter(n => n.nodeType === Node.TEXT_NODE).map(n => n.data).join("");
    }
  }
  return null;
}"""

# The share of dark pixels inside ``box`` of a PNG, decoded by the browser.
DARK_SHARE = """async ([png, box]) => {
  const image = new Image();
  image.src = "data:image/png;base64," + png;
  await image.decode();
  const canvas = document.createElement("canvas");
  canvas.width = image.width;
  canvas.height = image.height;
  const context = canvas.getContext("2d");
  context.drawImage(image, 0, 0);
  const {data} = context.getImageData(box.x, box.y, box.width, box.height);
  let dark = 0;
  for (let i = 0; i < data.length; i += 4) {
    if (data[i] + data[i + 1] + data[i + 2] < 3 * 128) { dark += 1; }
  }
  return {width: image.width, dark: dark / (data.length / 4)};
}"""


@pytest.fixture
def demo():
    call_command("seed_demo", stdout=io.StringIO())
    admin = User.objects.get(username="admin")
    admin.set_password(PASSWORD)
    admin.save()


def console_errors(page) -> list[str]:
    """The errors the page logs from now on: a font the Content-Security-Policy
    refused, for one."""
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    return errors


def open_in_khmer(page, url: str) -> None:
    """Open ``url`` and switch to Khmer with the menu's language switch, as a
    user does; then wait for the charts and for the fonts the page uses."""
    page.goto(url)
    if page.evaluate("document.documentElement.lang") != "km":  # the switch is kept on the user
        with page.expect_navigation():
            page.select_option("#language", "km")
    page.wait_for_function("document.documentElement.lang === 'km'")
    charts = page.locator("[data-chart]")
    for index in range(charts.count()):
        page.wait_for_function("el => el.dataset.drawn === 'true'", arg=charts.nth(index).element_handle())
    page.evaluate("async () => { await document.fonts.ready; }")


def fonts_that_drew(page, locator) -> tuple[str, list[dict]]:
    """The first Khmer text under ``locator`` and the fonts Chromium drew it with."""
    text = locator.evaluate(MARK_KHMER_TEXT)
    assert text, "no Khmer text to look at"
    cdp = page.context.new_cdp_session(page)
    try:
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        root = cdp.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": "[data-font-probe]"})["nodeId"]
        fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    finally:
        cdp.detach()
        page.evaluate("document.querySelector('[data-font-probe]').removeAttribute('data-font-probe')")
    return text, fonts


def assert_drawn_with_the_shipped_font(page, locator) -> None:
    text, fonts = fonts_that_drew(page, locator)
    shipped = [f for f in fonts if f["familyName"] == "Noto Sans Khmer" and f["isCustomFont"]]
    assert shipped and shipped[0]["glyphCount"] > 0, f"{text!r} drawn with {fonts}"
    others = sum(f["glyphCount"] for f in fonts if f is not shipped[0])
    assert others <= len(KHMER.sub("", text)), f"{text!r}: Khmer drawn by another font too: {fonts}"


def test_a_khmer_dashboard_draws_its_khmer_with_the_font_ntip_serves(page, live_server, demo):
    console, fonts_served = console_errors(page), []
    page.on(
        "response",
        lambda response: (
            response.url.endswith(FONT_URL)
            and fonts_served.append((response.status, response.headers.get("content-type")))
        ),
    )
    sign_in(page, "admin", PASSWORD)
    open_in_khmer(page, PLAN_DASHBOARD)

    assert fonts_served and set(fonts_served) == {(200, "font/ttf")}
    faces = page.evaluate(
        "[...document.fonts].filter(f => f.family.replaceAll('\"', '') === 'Noto Sans Khmer')"
        ".map(f => f.status)"
    )
    assert faces == ["loaded"]
    assert page.evaluate("""document.fonts.check('16px "Noto Sans Khmer"', 'ក')""")

    heading = page.locator("h1")
    assert KHMER.search(heading.inner_text()), "the plan's name in Khmer"
    assert '"Noto Sans Khmer"' in heading.evaluate("h => getComputedStyle(h).fontFamily")
    assert_drawn_with_the_shipped_font(page, heading)

    # The pillars' chart: its labels (the pillars' Khmer names), and its hover
    # text once the pointer is on a bar.
    chart = page.locator('[data-chart="chart-pillars"]')
    assert_drawn_with_the_shipped_font(page, chart)
    bar = chart.locator(".bars .point path").first.bounding_box()
    page.mouse.move(bar["x"] + bar["width"] / 2, bar["y"] + bar["height"] / 2)
    page.wait_for_selector(".hoverlayer .hovertext")
    assert_drawn_with_the_shipped_font(page, page.locator(".hoverlayer .hovertext").first)

    # The Content-Security-Policy (font-src 'self') let the font through: no
    # violation reported, no script failed.
    assert console == [] and page.console_errors == []


def test_screenshots_of_the_khmer_plan_dashboard_show_khmer_glyphs(browser, live_server, demo, tmp_path):
    blank = browser.new_page()  # decodes the screenshots; no page of NTIP, no policy
    for width in WIDTHS:
        context = browser.new_context(base_url=live_server.url, viewport={"width": width, "height": 900})
        page = context.new_page()
        page.set_default_timeout(15_000)
        console = console_errors(page)
        sign_in(page, "admin", PASSWORD)
        open_in_khmer(page, PLAN_DASHBOARD)
        path = tmp_path / f"plan-dashboard-km-{width}.png"
        page.screenshot(path=path, full_page=True)

        heading = page.locator("h1")
        box = heading.bounding_box()
        png = base64.b64encode(path.read_bytes()).decode()
        shot = blank.evaluate(DARK_SHARE, [png, {k: round(v) for k, v in box.items()}])
        assert shot["width"] == width
        # The heading's box holds the plan's Khmer name: ink, and not a filled block.
        assert 0.03 < shot["dark"] < 0.5, f"{width} px: {shot['dark']:.1%} of the heading is dark"
        assert page.evaluate("""document.fonts.check('16px "Noto Sans Khmer"', 'ក')""")
        assert_drawn_with_the_shipped_font(page, heading)
        assert console == [], f"{width} px: {console}"
        context.close()
    blank.close()


def test_the_khmer_progress_report_prints_to_a_pdf_that_carries_the_font(page, live_server, demo):
    sign_in(page, "admin", PASSWORD)
    open_in_khmer(page, "/dashboards/NSP-2024-2028/progress-report/?period=2026-Q2")
    page.emulate_media(media="print")
    assert '"Noto Sans Khmer"' in page.evaluate("getComputedStyle(document.body).fontFamily")

    pdf = page.pdf(format="A4")

    # The font is embedded (as a subset), so any PDF reader shows the Khmer.
    assert re.search(rb"/FontName\s*/[A-Z]{6}\+NotoSansKhmer", pdf)
