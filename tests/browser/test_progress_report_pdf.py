"""The quarterly progress report printed by Chromium to an A4 PDF: no menu,
no selector, no button on paper, the cover on the first page and each
section on a page of its own.

How the PDF is read without a PDF library: Chromium's content streams are
compressed and its text is glyph ids, but the document's outline (bookmarks,
``page.pdf(outline=True, tagged=True)``: Chromium builds it from the
tagged headings) is plain: each heading's title with the page object
it lands on, and the page tree lists the page objects in order. So "each
section starts on its own page" is read as "each section's heading lands on a
later page than the one before", and "no menu" as "no link of the menu in the
PDF's link annotations", beside the print stylesheet's computed styles.
"""

import re

import pytest

from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD
from tests.reports.dashboards.builders import build_plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

URL = "/dashboards/NSP/progress-report/?period=2024-Q4"
SECTIONS = [
    "Summary by pillar",
    "Indicators",
    "Activities",
    "Reporting completeness for 2024-Q4",
    "The justice chain",
]


def pdf_page_objects(pdf: bytes) -> list[int]:
    """The page objects' numbers, in page order (the page tree, read from its root)."""
    objects = {int(number): body for number, body in re.findall(rb"(?s)(\d+) 0 obj\s*(.*?)endobj", pdf)}
    root = int(re.search(rb"/Type /Catalog.*?/Pages (\d+) 0 R", pdf, re.S).group(1))

    def pages(number: int) -> list[int]:
        body = objects[number]
        if re.search(rb"/Type\s*/Pages\b", body):
            kids = re.search(rb"/Kids\s*\[([^\]]*)\]", body).group(1)
            return [page for kid in re.findall(rb"(\d+) 0 R", kids) for page in pages(int(kid))]
        return [number]

    return pages(root)


def pdf_string(raw: bytes) -> str:
    if raw.startswith(b"<"):  # <FEFF...>: UTF-16BE in hex
        return bytes.fromhex(raw[1:-1].decode()).decode("utf-16")
    return raw[1:-1].decode("latin-1")


def pdf_outline(pdf: bytes) -> dict[str, int]:
    """Each bookmark's title and the number of the page (from 1) it points to."""
    order = {obj: index + 1 for index, obj in enumerate(pdf_page_objects(pdf))}
    found = re.findall(rb"/Title\s*(\([^)]*\)|<[0-9A-Fa-f]+>)\s*/Dest\s*\[(\d+) 0 R", pdf)
    return {pdf_string(title): order[int(page)] for title, page in found}


@pytest.fixture
def plan(ministry, other_ministry, partner):
    return build_plan("NSP", pillars=2, ministry=ministry, other_ministry=other_ministry, behind=True)


def test_the_report_prints_on_a4_with_no_menu_and_each_section_on_its_own_page(page, plan, partner):
    sign_in(page, partner.username, PASSWORD)
    page.goto(URL)
    page.wait_for_function("document.querySelectorAll('[data-chart]:not([data-drawn])').length === 0")
    assert page.get_by_role("button", name="Print / Save as PDF").is_visible()
    assert page.locator(".ntip-navbar").is_visible()

    page.emulate_media(media="print")
    for hidden in (".ntip-navbar", ".ntip-period-selector", ".breadcrumb", "[data-print]", ".btn"):
        shown = page.locator(hidden).evaluate_all("nodes => nodes.filter(n => n.checkVisibility())")
        assert shown == [], f"{hidden} shows on paper"

    pdf = page.pdf(format="A4", outline=True, tagged=True, print_background=True)
    pages = pdf_page_objects(pdf)
    outline = pdf_outline(pdf)
    assert len(pages) > len(SECTIONS)
    # The cover: the plan's name on the first page, and nothing else begins there.
    assert outline.get(plan.display_name) == 1 and outline.get("Method in brief") == 1, outline
    starts = [outline[title] for title in SECTIONS]
    assert starts[0] > 1
    assert starts == sorted(set(starts)), f"each section on a page of its own: {outline}"
    # No menu on paper: none of its links is in the PDF.
    links = {uri.decode() for uri in re.findall(rb"/URI\s*\(([^)]*)\)", pdf)}
    assert any("/indicators/" in link for link in links)  # the report's own links are there
    menu = {"/", "/dashboards/", "/dashboards/NSP/organisations/", "/accounts/logout/"}
    assert not {re.sub(r"^https?://[^/]+", "", link) for link in links} & menu
    # The rule behind it, as the print stylesheet gives it.
    breaks = page.locator(".ntip-report-section").evaluate_all(
        "nodes => nodes.map(n => getComputedStyle(n).breakBefore)"
    )
    assert breaks == ["page"] * len(SECTIONS)
    assert page.console_errors == []
