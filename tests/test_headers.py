"""The headers every answer carries (issue 14): a Content-Security-Policy that
lets no inline script or style run, a Permissions-Policy that denies the
browser features NTIP never uses, and no-store on every page and API answer
(they carry figures about victims), while static files keep their caching."""

import base64
import hashlib
import re
from pathlib import Path

import plotly
import pytest
from rest_framework.authtoken.models import Token

from tests.factories import PlanFactory

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


@pytest.fixture
def plan(db):
    return PlanFactory(code="NSP", is_public=True)


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


def pages(client, reviewer):
    client.force_login(reviewer)
    return {
        "plans": client.get("/"),
        "dashboard": client.get("/dashboards/NSP/"),
        "review": client.get("/review/"),
    }


def test_signed_in_pages_allow_scripts_and_styles_from_ntip_only(client, reviewer, plan):
    for name, response in pages(client, reviewer).items():
        policy = directives(response)
        assert policy["default-src"] == ["'self'"], name
        assert policy["script-src"] == ["'self'"], name
        assert policy["style-src"][0] == "'self'", name
        assert "'unsafe-inline'" not in policy["style-src"], name
        assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"], name


def test_the_styles_allowed_by_hash_are_exactly_those_plotly_adds(settings):
    """plotly.min.js writes two <style> elements: an empty one, and the map
    library's stylesheet (a string literal after its element's id)."""
    script = (Path(plotly.__file__).parent / "package_data" / "plotly.min.js").read_text()
    found = re.search(r'e\.id="9f215cf0[0-9a-f]*",e\.textContent=\'([^\']*)\'', script)
    assert found, "plotly.min.js no longer adds the map library's stylesheet this way"
    expected = {csp_hash(""), csp_hash(found.group(1))}

    assert set(settings.PLOTLY_STYLE_HASHES) == expected


def csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def test_the_login_and_public_pages_have_the_policy_too(client, plan):
    for url in ("/accounts/login/", "/public/NSP/"):
        assert "'unsafe-inline'" not in client.get(url)["Content-Security-Policy"], url


def test_pages_deny_the_camera_microphone_and_location(client, reviewer, plan):
    for name, response in pages(client, reviewer).items():
        policy = response["Permissions-Policy"]
        for feature in ("camera", "microphone", "geolocation", "usb", "payment"):
            assert f"{feature}=()" in policy, (name, feature)


def test_no_browser_or_proxy_keeps_a_signed_in_page(client, reviewer, plan):
    for name, response in pages(client, reviewer).items():
        assert "no-store" in response["Cache-Control"], name
        assert "private" in response["Cache-Control"], name


def test_no_browser_or_proxy_keeps_an_api_answer(client, reviewer, plan):
    token, _ = Token.objects.get_or_create(user=reviewer)

    response = client.get("/api/v1/plans/NSP/periods/", HTTP_AUTHORIZATION=f"Token {token.key}")

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_the_public_page_and_error_pages_are_not_kept_either(client, plan):
    assert "no-store" in client.get("/public/NSP/")["Cache-Control"]
    assert "no-store" in client.get("/no-such-page/")["Cache-Control"]


def test_static_files_keep_their_caching(client):
    response = client.get("/static/ntip/ntip.css")

    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
    assert "Content-Security-Policy" not in response


def test_the_language_switch_submits_without_an_inline_handler(client, plan):
    body = client.get("/accounts/login/").content.decode()

    assert 'id="language" name="language"' in body and "data-autosubmit" in body
    assert '<script src="/static/ntip/autosubmit.js"></script>' in body
    assert "onchange=" not in body


def test_the_period_selector_submits_without_an_inline_handler(client, reviewer, plan):
    client.force_login(reviewer)

    body = client.get("/dashboards/NSP/").content.decode()

    assert 'name="period" class="form-select form-select-sm" data-autosubmit' in body
    assert "onchange=" not in body


INLINE = re.compile(r"""\son[a-z]+=|\sstyle=|<style|<script(?![^>]*\ssrc=)(?![^>]*type="application/json")""")


def test_no_template_has_an_inline_handler_style_or_script():
    """The policy would block them: a handler would do nothing, a style would
    not apply. Their work belongs in static/ntip/ (autosubmit.js, ntip.css)."""
    found = []
    for path in TEMPLATES.rglob("*.html"):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if INLINE.search(line):
                found.append(f"{path.relative_to(TEMPLATES)}:{number}: {line.strip()}")
    assert not found, "\n".join(found)
