"""The backup and restore of docs/operations.md ("Backups"), done as written:
pg_dump -Fc of the database and a tar of MEDIA_ROOT, restored into a fresh
database and a fresh folder, where every report, figure and evidence file is
found again, byte for byte."""

import hashlib
import os
import shutil
import subprocess
import tarfile
from decimal import Decimal
from pathlib import Path

import psycopg2
import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from indicators.models import Evidence, IndicatorValue, QuarterlyReport
from indicators.quarterly_report.evidence import evidence_attach
from tests.factories import IndicatorFactory, ObjectiveFactory, PlanFactory, approved_report

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def client_args(db: dict) -> list[str]:
    return ["-h", db["HOST"] or "127.0.0.1", "-p", str(db["PORT"] or 5432), "-U", db["USER"]]


def client_env(db: dict) -> dict:
    return {**os.environ, **({"PGPASSWORD": db["PASSWORD"]} if db["PASSWORD"] else {})}


def pg(*args: str, db: dict) -> subprocess.CompletedProcess:
    tool = args[0]
    if shutil.which(tool) is None:
        pytest.skip(f"{tool} (PostgreSQL's client tools) is not installed")
    return subprocess.run(  # noqa: S603 — PostgreSQL's own tools, fixed arguments
        [tool, *client_args(db), *args[1:]],
        env=client_env(db),
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def plan_with_reports(ministry, other_ministry, focal_point, media):
    """Approved and draft reports with figures, and evidence files on disk."""
    plan = PlanFactory(code="NSP", start_year=2024, end_year=2026)
    objective = ObjectiveFactory(plan=plan, pillar__plan=plan, code="O1")
    trained = IndicatorFactory(objective=objective, code="TRAINED", lead=ministry, targets=[40, 40, 40])
    cases = IndicatorFactory(objective=objective, code="CASES", lead=other_ministry, targets=[9, 9, 9])
    for index, code in enumerate(["2024-Q1", "2024-Q2", "2024-Q3"], start=1):
        period = plan.periods.get(code=code)
        approved_report(ministry, period, values={trained: Decimal("10.5") * index})
        approved_report(other_ministry, period, values={cases: index})
    draft = approved_report(ministry, plan.periods.get(code="2024-Q4"), values={trained: 7}, state="DRAFT")
    for number in range(3):
        content = PDF + f"% register page {number}\n".encode()
        evidence_attach(
            actor=focal_point,
            report=draft,
            indicator=trained,
            uploaded_file=SimpleUploadedFile(
                f"register-{number}.pdf", content, content_type="application/pdf"
            ),
        )
    return plan


def table_rows(cursor, table: str, columns: str) -> list[tuple]:
    cursor.execute(f"SELECT {columns} FROM {table} ORDER BY 1")  # noqa: S608 — our own table names
    return cursor.fetchall()


def every_table() -> list[str]:
    return sorted({model._meta.db_table for model in apps.get_models() if model._meta.managed})


def test_a_backup_restored_into_a_fresh_database_holds_every_report_figure_and_file(
    plan_with_reports, media, tmp_path
):
    db = settings.DATABASES["default"]
    restored_name = f"{db['NAME']}_restored"
    backup = tmp_path / "backup"
    backup.mkdir()
    dump, media_archive = backup / "ntip.dump", backup / "media.tar.gz"

    # Back up (docs/operations.md, "Backups"): the database, then the files.
    pg("pg_dump", "--format=custom", f"--file={dump}", db["NAME"], db=db)
    with tarfile.open(media_archive, "w:gz") as archive:
        archive.add(media, arcname=".")
    # Check the backup: the archive lists its tables.
    listing = pg("pg_restore", "--list", str(dump), db=db).stdout
    assert "TABLE DATA public indicators_quarterlyreport" in listing

    # Restore into a fresh database and a fresh folder.
    pg("dropdb", "--if-exists", restored_name, db=db)
    pg("createdb", restored_name, db=db)
    restored_media = tmp_path / "restored-media"
    restored_media.mkdir()
    try:
        pg("pg_restore", "--no-owner", "--exit-on-error", f"--dbname={restored_name}", str(dump), db=db)
        with tarfile.open(media_archive) as archive:
            archive.extractall(restored_media, filter="data")

        restored = psycopg2.connect(
            dbname=restored_name,
            user=db["USER"],
            password=db["PASSWORD"],
            host=db["HOST"] or "127.0.0.1",
            port=db["PORT"] or 5432,
        )
        try:
            with restored.cursor() as theirs, connection.cursor() as ours:
                # Every table holds as many rows as before.
                for table in every_table():
                    counts = [table_rows(c, table, "count(*)") for c in (ours, theirs)]
                    assert counts[0] == counts[1], table
                # Every report, with its state and version; every figure, to the digit.
                for table, columns in (
                    (QuarterlyReport._meta.db_table, "id, organisation_id, period_id, state, version"),
                    (IndicatorValue._meta.db_table, "id, report_id, indicator_id, value, note"),
                    (Evidence._meta.db_table, "id, report_id, file, original_name, size"),
                ):
                    assert table_rows(theirs, table, columns) == table_rows(ours, table, columns), table
                files = [row[0] for row in table_rows(theirs, Evidence._meta.db_table, "file")]
        finally:
            restored.close()
    finally:
        pg("dropdb", "--if-exists", restored_name, db=db)

    assert QuarterlyReport.objects.count() == 7 and IndicatorValue.objects.count() == 7
    # Every evidence file the restored database names is in the restored folder, byte for byte.
    assert len(files) == 3
    for name in files:
        original, copy = Path(media) / name, restored_media / name
        assert hashlib.sha256(copy.read_bytes()).digest() == hashlib.sha256(original.read_bytes()).digest()
