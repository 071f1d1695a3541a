"""Django's format files for our languages (settings.FORMAT_MODULE_PATH), so
that Django's own filters and the admin write figures and dates as the one
formatter does (plans/formatting.py, docs/languages.md). English keeps Django's."""
