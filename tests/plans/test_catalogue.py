"""The Khmer catalogue: complete, compiled as committed, and holding every
string the source marks (plans/catalogue.py, docs/languages.md)."""

import shutil

import polib
import pytest
from django.utils import translation

from plans.catalogue import (
    LANGUAGES_TRANSLATED,
    catalogue_collect,
    catalogue_compiled,
    catalogue_problems,
    catalogue_source,
)


@pytest.mark.parametrize("language", LANGUAGES_TRANSLATED)
def test_every_entry_is_translated_none_fuzzy_and_placeholders_kept(language):
    problems = catalogue_problems(catalogue_source(language))
    assert problems == [], "\n".join(problems[:40])


@pytest.mark.parametrize("language", LANGUAGES_TRANSLATED)
def test_the_committed_compiled_catalogue_is_what_its_source_compiles_to(language):
    """Django reads the .mo; installing compiles nothing (no system gettext),
    so the committed .mo must be the .po's: `manage.py catalogue_update --compile-only`."""
    source = catalogue_source(language)
    assert source.with_suffix(".mo").read_bytes() == catalogue_compiled(source)


def test_django_reads_the_khmer_catalogue():
    entry = next(
        e for e in polib.pofile(str(catalogue_source("km"))) if e.msgid == "Dashboards" and not e.msgctxt
    )
    with translation.override("km"):
        assert translation.gettext("Dashboards") == entry.msgstr != "Dashboards"


@pytest.mark.skipif(
    shutil.which("xgettext") is None, reason="collecting strings needs GNU gettext (CI installs it)"
)
def test_the_catalogue_holds_every_string_the_source_marks(tmp_path):
    catalogue_collect(tmp_path)
    wanted = {(e.msgctxt, e.msgid) for e in polib.pofile(str(catalogue_source("km", tmp_path)))}
    held = {(e.msgctxt, e.msgid) for e in polib.pofile(str(catalogue_source("km")))}
    missing = sorted(wanted - held, key=str)
    stale = sorted(held - wanted, key=str)
    assert not missing, (
        f"{len(missing)} marked strings are not in the catalogue (make messages): {missing[:20]}"
    )
    assert not stale, f"{len(stale)} entries no longer in the source (make messages): {stale[:20]}"
