"""Settings come from the environment: ntip/settings.py, ntip/env.py, .env.example.

A test that needs settings loaded under another environment starts a new Python
process: settings are read once per process, and reloading them in this one
would leave the rest of the suite on a half-changed configuration.
"""

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from ntip.env import envbool, envint

REPO = Path(__file__).resolve().parent.parent
ENV_EXAMPLE = REPO / ".env.example"


def names_read_by_settings() -> set[str]:
    """Every variable ntip/settings.py reads from the environment."""
    source = (REPO / "ntip" / "settings.py").read_text()
    helpers = re.findall(r'\benv(?:bool|int|str|list)\(\s*"(\w+)"', source)
    direct = re.findall(r'os\.(?:environ\.get|getenv)\(\s*"(\w+)"', source)
    return set(helpers) | set(direct)


def env_example() -> dict[str, str]:
    """The NAME=value lines of .env.example, as docker compose's env_file reads them."""
    values = {}
    for line in ENV_EXAMPLE.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            values[name.strip()] = value
    return values


def clean_environ(**overrides: str) -> dict[str, str]:
    """This process's environment without any variable NTIP's settings read, so that
    a developer's or CI's DATABASE_URL cannot leak into a test; then the overrides."""
    read = names_read_by_settings()
    environ = {name: value for name, value in os.environ.items() if name not in read}
    environ["DJANGO_SETTINGS_MODULE"] = "ntip.settings"
    environ.update(overrides)
    return environ


def production_environ(tmp_path: Path, **overrides: str) -> dict[str, str]:
    """.env.example with a real secret, on an SQLite file so that no server is needed."""
    return clean_environ(
        **env_example()
        | {"SECRET_KEY": secrets.token_urlsafe(50), "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
        | overrides
    )


def run(args: list[str], environ: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, *args], cwd=REPO, env=environ, capture_output=True, text=True, timeout=120
    )


def settings_under(expression: str, **environ: str):
    """The JSON of `expression`, evaluated with settings loaded under `environ`."""
    code = (
        "import json\n"
        "from django.conf import settings\n"
        "from ntip.celery import app\n"
        f"print(json.dumps({expression}))\n"
    )
    result = run(["-c", code], clean_environ(**environ))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def manage(*args: str, environ: dict[str, str]) -> subprocess.CompletedProcess:
    return run(["manage.py", *args], environ)


DATABASE = '[settings.DATABASES["default"][key] for key in ("ENGINE", "NAME", "HOST", "PORT", "USER")]'
CELERY = "[settings.CELERY_TASK_ALWAYS_EAGER, app.conf.task_always_eager, app.conf.broker_url]"


def test_sqlite_is_the_default_database():
    engine, name, *_ = settings_under(DATABASE)

    assert engine == "django.db.backends.sqlite3"
    assert name == str(REPO / "db.sqlite3")


def test_database_url_selects_postgresql():
    database = settings_under(DATABASE, DATABASE_URL="postgres://ntip:secret@db.example:5433/ntip_prod")

    assert database == ["django.db.backends.postgresql", "ntip_prod", "db.example", 5433, "ntip"]


def test_tasks_run_inline_without_a_broker():
    setting, celery_app, _ = settings_under(CELERY)

    assert setting is True
    assert celery_app is True


def test_tasks_go_to_the_broker_when_one_is_set():
    setting, celery_app, broker = settings_under(CELERY, CELERY_BROKER_URL="redis://127.0.0.1:6379/0")

    assert setting is False
    assert celery_app is False
    assert broker == "redis://127.0.0.1:6379/0"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1", True), ("Yes", True), (" on ", True), ("TRUE", True), ("0", False), ("off", False), ("", False)],
)
def test_envbool_reads_the_usual_words(monkeypatch, raw, expected):
    monkeypatch.setenv("NTIP_TEST_FLAG", raw)

    assert envbool("NTIP_TEST_FLAG", not expected) is expected


@pytest.mark.parametrize("raw", ["ture", "2", "y"])
def test_envbool_refuses_a_word_it_does_not_know(monkeypatch, raw):
    monkeypatch.setenv("NTIP_TEST_FLAG", raw)

    with pytest.raises(ImproperlyConfigured, match="NTIP_TEST_FLAG"):
        envbool("NTIP_TEST_FLAG", False)


def test_envint_reads_a_whole_number_and_defaults_when_empty(monkeypatch):
    monkeypatch.setenv("NTIP_TEST_NUMBER", " 42 ")
    assert envint("NTIP_TEST_NUMBER", 7) == 42

    monkeypatch.setenv("NTIP_TEST_NUMBER", "")
    assert envint("NTIP_TEST_NUMBER", 7) == 7


@pytest.mark.parametrize("raw", ["12a", "1.5", "ten"])
def test_envint_refuses_what_is_not_a_whole_number(monkeypatch, raw):
    monkeypatch.setenv("NTIP_TEST_NUMBER", raw)

    with pytest.raises(ImproperlyConfigured, match="NTIP_TEST_NUMBER"):
        envint("NTIP_TEST_NUMBER", 0)


def test_a_typo_in_a_setting_stops_the_process_at_start_up():
    result = manage("check", environ=clean_environ(DEBUG="ture"))

    assert result.returncode != 0
    assert "ImproperlyConfigured: DEBUG must be one of" in result.stderr


def test_env_example_names_every_setting_read_from_the_environment():
    documented = set(re.findall(r"^#?(\w+)=", ENV_EXAMPLE.read_text(), flags=re.MULTILINE))

    missing = names_read_by_settings() - documented
    assert not missing, f"add these to .env.example, with the production value: {sorted(missing)}"


def test_env_example_with_a_real_secret_passes_the_deploy_check(tmp_path):
    # The same command the web container runs before it starts.
    result = manage("check", "--deploy", "--fail-level", "WARNING", environ=production_environ(tmp_path))

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "System check identified no issues (0 silenced)."
    assert result.stderr == ""


def test_the_deploy_check_passes_with_only_debug_off_a_secret_and_the_hosts():
    # Secure by default: nothing about HTTPS, cookies or HSTS needs setting (issue 14).
    environ = clean_environ(
        DEBUG="0", SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="ntip.example.gov.kh"
    )

    result = manage("check", "--deploy", "--fail-level", "WARNING", environ=environ)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "System check identified no issues (0 silenced)."
    assert result.stderr == ""


HTTPS = (
    "[settings.SECURE_SSL_REDIRECT, settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE,"
    " settings.SECURE_HSTS_SECONDS, settings.SECURE_HSTS_INCLUDE_SUBDOMAINS, settings.SECURE_HSTS_PRELOAD]"
)


def test_https_cookies_and_hsts_are_on_whenever_debug_is_off():
    assert settings_under(HTTPS) == [True, True, True, 365 * 24 * 60 * 60, True, True]


def test_a_local_run_with_debug_serves_plain_http():
    assert settings_under(HTTPS, DEBUG="1") == [False, False, False, 0, False, False]


@pytest.mark.parametrize(
    ("variable", "index"),
    [
        ("SECURE_SSL_REDIRECT", 0),
        ("SESSION_COOKIE_SECURE", 1),
        ("CSRF_COOKIE_SECURE", 2),
        ("SECURE_HSTS_INCLUDE_SUBDOMAINS", 4),
        ("SECURE_HSTS_PRELOAD", 5),
    ],
)
def test_each_https_setting_can_be_turned_off_on_its_own(variable, index):
    values = settings_under(HTTPS, **{variable: "0"})

    assert values[index] is False
    assert all(value for position, value in enumerate(values) if position != index)


def test_hsts_can_be_shortened_for_a_new_domain():
    assert settings_under(HTTPS, SECURE_HSTS_SECONDS="3600")[3] == 3600


def test_lockout_tokens_and_sessions_follow_the_environment():
    values = settings_under(
        "[settings.AXES_FAILURE_LIMIT, settings.AXES_COOLOFF_TIME.total_seconds(), settings.API_TOKEN_DAYS,"
        " settings.SESSION_IDLE_SECONDS, settings.SESSION_ABSOLUTE_SECONDS, settings.REQUEST_MAX_BYTES]",
        LOGIN_FAILURE_LIMIT="3",
        LOGIN_COOLOFF_MINUTES="60",
        API_TOKEN_DAYS="30",
        SESSION_IDLE_MINUTES="15",
        SESSION_HOURS="8",
        REQUEST_MAX_BYTES="1048576",
    )

    assert values == [3, 3600, 30, 15 * 60, 8 * 60 * 60, 1048576]


def test_env_example_copied_without_a_secret_refuses_to_start(tmp_path):
    environ = production_environ(tmp_path, SECRET_KEY=env_example()["SECRET_KEY"])

    result = manage("check", "--deploy", "--fail-level", "WARNING", environ=environ)

    assert result.returncode != 0
    assert "security.W009" in result.stderr


def test_deploy_check_refuses_the_development_secret_key():
    result = manage("check", "--deploy", environ=clean_environ(DEBUG="0"))

    assert result.returncode != 0
    assert "(ntip.E001) SECRET_KEY is the development key" in result.stderr


def test_deploy_check_allows_the_development_secret_key_while_debugging():
    result = manage("check", "--deploy", environ=clean_environ(DEBUG="1"))

    # Django still warns (DEBUG, cookies, HSTS), but nothing is an error.
    assert result.returncode == 0, result.stderr
    assert "ntip.E001" not in result.stdout + result.stderr


def test_collectstatic_builds_the_manifest_the_image_serves(tmp_path):
    # The Dockerfile runs this at build time; a missing file that a stylesheet
    # refers to would fail it there, where no test runs.
    environ = clean_environ(STATIC_MANIFEST="1", STATIC_ROOT=str(tmp_path / "static"))

    result = manage("collectstatic", "--noinput", environ=environ)

    assert result.returncode == 0, result.stderr
    manifest = json.loads((tmp_path / "static" / "staticfiles.json").read_text())
    assert "bootstrap/css/bootstrap.min.css" in manifest["paths"]
