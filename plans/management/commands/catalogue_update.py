"""Collect the marked strings into locale/km/LC_MESSAGES/django.po and
compile it (docs/languages.md, "The catalogue"). ``--compile-only`` needs no
system gettext: it compiles the .po as it is, in Python."""

import shutil

from django.core.management.base import BaseCommand, CommandError

from plans.catalogue import LANGUAGES_TRANSLATED, catalogue_collect, catalogue_compile, catalogue_problems


class Command(BaseCommand):
    help = "Collect the marked strings into the catalogue (needs GNU gettext) and compile it with polib."

    def add_arguments(self, parser):
        parser.add_argument("--compile-only", action="store_true", help="compile the .po as it is")

    def handle(self, *args, compile_only=False, **options):
        if not compile_only:
            if shutil.which("xgettext") is None:
                raise CommandError(
                    "Collecting strings needs GNU gettext (apt-get install gettext); "
                    "--compile-only compiles the catalogue as it is without it."
                )
            catalogue_collect(verbosity=options["verbosity"])
        for language in LANGUAGES_TRANSLATED:
            compiled = catalogue_compile(language)
            problems = catalogue_problems(compiled.with_suffix(".po"))
            self.stdout.write(f"{compiled}: compiled, {len(problems)} entries not ready")
            for problem in problems[:50]:
                self.stdout.write(f"  {problem}")
