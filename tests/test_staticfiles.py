"""Files NTIP serves from installed packages under plain names
(ntip/staticfiles.py): the Khmer font and its licence, answered by the app as
they lie in the package, and copied by collectstatic where the production
stylesheet finds them."""

import json
import re
from pathlib import Path

import fontpkg
import fontpkg_noto_sans_khmer
import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command

from ntip.staticfiles import PackageFileFinder

FONT = fontpkg.path("Noto Sans Khmer")
LICENCE = fontpkg_noto_sans_khmer.ROOT / "LICENSE"


def body_of(response) -> bytes:
    return b"".join(response.streaming_content)


def test_the_app_serves_the_khmer_font_from_its_package(client):
    response = client.get("/static/fonts/NotoSansKhmer.ttf")

    assert response.status_code == 200
    assert response["Content-Type"] == "font/ttf"
    assert body_of(response) == FONT.read_bytes()


def test_the_fonts_licence_is_served_beside_it(client):
    response = client.get("/static/fonts/NotoSansKhmer-OFL.txt")

    assert response.status_code == 200
    assert "SIL Open Font License" in body_of(response).decode()


def test_the_stylesheet_declares_the_font_at_the_url_the_app_serves():
    css = Path(finders.find("ntip/ntip.css")).read_text()
    face = re.search(r"@font-face\s*{([^}]*)}", css).group(1)

    assert 'font-family: "Noto Sans Khmer"' in face
    assert 'url("../fonts/NotoSansKhmer.ttf")' in face  # static/ntip/ → static/fonts/
    assert "font-display: swap" in face and "font-weight: 100 900" in face


@pytest.mark.django_db
def test_the_policy_lets_pages_load_fonts_from_ntip(client):
    policy = client.get("/accounts/login/")["Content-Security-Policy"]

    assert "font-src 'self'" in policy


def test_the_files_are_found_under_their_plain_names_only():
    assert finders.find("fonts/NotoSansKhmer.ttf") == str(FONT)
    assert finders.find("fonts/NotoSansKhmer-OFL.txt") == str(LICENCE)
    assert finders.find("fonts/NotoSansKhmer[wdth,wght].ttf") is None


def test_a_missing_package_file_fails_the_system_check(settings, tmp_path):
    settings.STATIC_PACKAGE_FILES = {"fonts/Gone.ttf": tmp_path / "Gone.ttf"}

    errors = PackageFileFinder().check()

    assert [error.id for error in errors] == ["ntip.E010"]


def test_collectstatic_copies_the_font_where_the_hashed_stylesheet_points(settings, tmp_path):
    # Production's storage without the compression (slow, and not what is tested here).
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }

    call_command("collectstatic", "--noinput", verbosity=0)

    paths = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    font = paths["fonts/NotoSansKhmer.ttf"]
    assert (tmp_path / font).read_bytes() == FONT.read_bytes()
    assert (tmp_path / paths["fonts/NotoSansKhmer-OFL.txt"]).read_bytes() == LICENCE.read_bytes()
    css = (tmp_path / paths["ntip/ntip.css"]).read_text()
    assert f'url("../{font}")' in css
