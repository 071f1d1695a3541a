"""Single files from installed packages, served as static files under names of
our choosing (settings.STATIC_PACKAGE_FILES).

STATICFILES_DIRS can lend a package's whole directory under a prefix (Bootstrap,
plotly.min.js); this lends one file under a plain name, for files whose own name
is awkward in a URL: the Khmer font ships as "NotoSansKhmer[wdth,wght].ttf".
collectstatic copies the files under these names, and WhiteNoise (with
WHITENOISE_USE_FINDERS) serves them from where they lie.
"""

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.core.checks import Error
from django.core.files.storage import FileSystemStorage


class NamedFilesStorage(FileSystemStorage):
    """A read-only storage of a few files, each known by its static name."""

    def __init__(self, files: dict[str, Path]):
        super().__init__()
        self.files = files

    def path(self, name: str) -> str:
        # collectstatic opens and dates the files, WhiteNoise reads them, all
        # through path(): the one place a static name becomes the package's file.
        try:
            return str(self.files[name.replace("\\", "/")])
        except KeyError:
            raise FileNotFoundError(name) from None


class PackageFileFinder(BaseFinder):
    """Finds the files of settings.STATIC_PACKAGE_FILES, for findstatic,
    collectstatic and WhiteNoise alike."""

    def __init__(self, *args, **kwargs):
        self.files = {name: Path(path) for name, path in settings.STATIC_PACKAGE_FILES.items()}
        self.storage = NamedFilesStorage(self.files)
        super().__init__(*args, **kwargs)

    def check(self, **kwargs):
        return [
            Error(
                f"STATIC_PACKAGE_FILES names {name!r} as {path}, which does not exist.",
                hint="Install the package that ships it (pyproject.toml).",
                id="ntip.E010",
            )
            for name, path in self.files.items()
            if not path.is_file()
        ]

    def find(self, path, find_all=False, **kwargs):
        find_all = self._check_deprecated_find_param(find_all=find_all, **kwargs)
        # Nothing found is [], as Django's own finders answer.
        if path not in self.files:
            return []
        found = str(self.files[path])
        return [found] if find_all else found

    def list(self, ignore_patterns):
        for name in self.files:
            yield name, self.storage
