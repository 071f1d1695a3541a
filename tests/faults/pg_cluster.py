"""A throwaway PostgreSQL cluster for the fault tests: created, restarted and
stopped at will, dropped at the end whatever happens. It never touches the
server the rest of the suite (and everyone else) uses on 5432."""

import os
import shutil
import socket
import subprocess
from contextlib import contextmanager
from pathlib import Path

import pytest

NAME = "ntipfaults"
PORT = 5433
TOOLS = ("pg_createcluster", "pg_ctlcluster", "pg_dropcluster", "createdb")


def installed_version() -> str | None:
    """The newest PostgreSQL server installed the Debian way, e.g. "15"."""
    versions = sorted(
        (p.name for p in Path("/usr/lib/postgresql").glob("*") if (p / "bin" / "postgres").exists()),
        key=lambda v: int(v) if v.isdigit() else 0,
    )
    return versions[-1] if versions else None


def port_in_use(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(args, check=True, capture_output=True, text=True, timeout=120)  # noqa: S603


def ctl(version: str, action: str, *extra: str) -> None:
    """pg_ctlcluster for our cluster only (never "main")."""
    run("pg_ctlcluster", "--skip-systemctl-redirect", version, NAME, action, *extra)


def drop(version: str) -> None:
    subprocess.run(  # noqa: S603
        ["pg_dropcluster", "--stop", version, NAME],  # noqa: S607 — Debian's tool, found on PATH
        capture_output=True,
        timeout=120,
        check=False,
    )


@contextmanager
def throwaway_cluster(database: str):
    """A new cluster on PORT with ``database`` in it (trust auth, user
    postgres); yields (version, database URL). Skips the test when the Debian
    tools are not there or we are not root (CI and the sessions are)."""
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"PostgreSQL's Debian tools are not installed ({', '.join(missing)})")
    if os.geteuid() != 0:
        pytest.skip("creating a throwaway PostgreSQL cluster needs root")
    version = installed_version()
    if version is None:
        pytest.skip("no PostgreSQL server under /usr/lib/postgresql")
    drop(version)  # left over from a run that was killed
    if port_in_use(PORT):
        pytest.skip(f"port {PORT} is taken by something else")
    try:
        run("pg_createcluster", version, NAME, "-p", str(PORT), "--", "--auth=trust")
        ctl(version, "start")
        run("createdb", "-h", "127.0.0.1", "-p", str(PORT), "-U", "postgres", database)
        yield version, f"postgres://postgres@127.0.0.1:{PORT}/{database}"
    finally:
        drop(version)
