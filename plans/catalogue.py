"""The translation catalogue (locale/km/LC_MESSAGES/django.po), kept and
compiled without system gettext (docs/languages.md, "The catalogue").

Django reads the compiled catalogue (django.mo), which is committed beside its
source, so installing NTIP needs only Python. ``manage.py catalogue_update``
(``make messages``) collects the marked strings from the code and templates
(Django's makemessages: this one step needs GNU gettext, on a developer's
machine) and compiles with polib; tests/plans/test_catalogue.py checks that the
committed .mo is what the .po compiles to, that no entry is empty or fuzzy,
and, where gettext is installed (CI), that the catalogue holds every string
the source marks.
"""

import contextlib
import re
from pathlib import Path

import polib
from django.conf import settings

LANGUAGES_TRANSLATED = ("km",)
# What makemessages does not read: not the interface (tests, benchmarks, the
# virtualenv's packages, migrations whose labels are the models').
SOURCES_IGNORED = (
    ".venv",
    "venv",
    "bench",
    "tests",
    "*/migrations/*",
    "staticfiles",
    "media",
    "node_modules",
)

# Placeholders a translation must keep, each as in its English: %(name)s, %s, {name}, HTML tags.
PLACEHOLDER = re.compile(r"%\([a-z_0-9]+\)[sdif]|%[sdif]|\{[a-z_0-9]*\}|</?[a-z][^>]*>")


def catalogue_source(language: str, locale_path: Path | None = None) -> Path:
    base = Path(locale_path or settings.LOCALE_PATHS[0])
    return base / language / "LC_MESSAGES" / "django.po"


def catalogue_compiled(po_path: Path) -> bytes:
    """The .mo that Django reads, compiled from the .po in Python."""
    return polib.pofile(str(po_path)).to_binary()


def catalogue_compile(language: str) -> Path:
    source = catalogue_source(language)
    compiled = source.with_suffix(".mo")
    compiled.write_bytes(catalogue_compiled(source))
    return compiled


def translations(entry: polib.POEntry) -> list[str]:
    return list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]


def catalogue_problems(po_path: Path) -> list[str]:
    """Every entry not ready to ship: untranslated, fuzzy, or with a
    placeholder lost or added (a crash or a wrong figure at run time)."""
    problems = []
    for entry in polib.pofile(str(po_path)):
        if entry.obsolete:
            continue
        where = f"{entry.msgctxt + ' | ' if entry.msgctxt else ''}{entry.msgid!r}"
        if "fuzzy" in entry.flags:
            problems.append(f"fuzzy: {where}")
        wanted = set(PLACEHOLDER.findall(entry.msgid)) | set(PLACEHOLDER.findall(entry.msgid_plural or ""))
        for text in translations(entry):
            if not text.strip():
                problems.append(f"not translated: {where}")
            elif set(PLACEHOLDER.findall(text)) != wanted:
                problems.append(f"placeholders differ: {where} → {text!r}")
    return problems


def catalogue_collect(locale_path: Path | None = None, *, verbosity: int = 0) -> None:
    """Django's makemessages over the project with NTIP's exclusions, into the
    project's catalogue, or into a fresh one under ``locale_path`` (the test
    that the catalogue is complete); needs GNU gettext.

    makemessages writes beside the nearest ``locale`` folder it walks past, the
    project's own, so a fresh one is collected from a copy of the tree made of
    links to the project's folders, with no ``locale`` in it."""
    from django.core.management import call_command
    from django.test.utils import override_settings

    options = {
        "locale": list(LANGUAGES_TRANSLATED),
        "ignore_patterns": list(SOURCES_IGNORED),
        "no_obsolete": True,
        "verbosity": verbosity,
    }
    root = Path(settings.BASE_DIR)
    if locale_path is None:
        with contextlib.chdir(root):
            call_command("makemessages", **options)
        return
    tree = Path(locale_path) / "source"
    tree.mkdir(parents=True)
    for item in root.iterdir():
        if item.is_dir() and item.name != "locale" and not item.name.startswith("."):
            (tree / item.name).symlink_to(item, target_is_directory=True)
    with override_settings(LOCALE_PATHS=[str(locale_path)]), contextlib.chdir(tree):
        call_command("makemessages", symlinks=True, **options)
