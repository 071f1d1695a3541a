"""The same import started twice at once (PostgreSQL: two threads, each with
its own connection): the second is refused with a clear message while the
first holds the report, and no row is written twice."""

# ruff: noqa: F811 (``plan``: the fixture of test_values.py, imported)

import threading

import pytest
from django.db import connection, connections, transaction

from indicators.imports.values import values_import
from indicators.models import IndicatorValue, QuarterlyReport
from tests.indicators.imports.test_values import plan, values_file  # noqa: F401

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def needs_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: run with DATABASE_URL=postgres://…")


def in_thread(work):
    """Run ``work`` in a thread of its own (its own connection); its outcome."""
    outcome = {}

    def run():
        try:
            outcome["value"] = work()
        except Exception as error:  # the outcome is what the test asserts
            outcome["value"] = error
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def test_a_second_import_of_the_same_report_while_the_first_runs_is_refused(tmp_path, plan, focal_point):
    path = values_file(tmp_path)
    first_holds, first_may_end = threading.Event(), threading.Event()

    def first():
        with transaction.atomic():
            result = values_import(actor=focal_point, path_or_file=path)
            first_holds.set()  # written, not committed: the import is still running
            assert first_may_end.wait(30)
        return result

    thread, first_outcome = in_thread(first)
    assert first_holds.wait(30)
    second_thread, second_outcome = in_thread(lambda: values_import(actor=focal_point, path_or_file=path))
    second_thread.join(30)
    first_may_end.set()
    thread.join(30)

    first_result, second_result = first_outcome["value"], second_outcome["value"]
    assert first_result.ok, first_result.errors
    assert not second_result.ok
    assert [e.message for e in second_result.errors] == [
        "An import of the report of MOI for 2025-Q2 is already running: nothing was imported. "
        "Wait for it to finish, then import the file again."
    ]
    assert QuarterlyReport.objects.count() == 1
    assert IndicatorValue.objects.count() == 3  # I-SUM, I-DIS, I-PCT: once each


def test_two_imports_released_together_never_write_a_row_twice(tmp_path, plan, focal_point):
    path = values_file(tmp_path)
    barrier = threading.Barrier(2)

    def racer():
        barrier.wait(30)
        return values_import(actor=focal_point, path_or_file=path)

    racers = [in_thread(racer) for _ in range(2)]
    for thread, _outcome in racers:
        thread.join(60)
    results = [outcome["value"] for _thread, outcome in racers]

    # Either one is refused, or the later one found everything already stored.
    assert all(not isinstance(result, Exception) for result in results), results
    assert sum(result.ok and result.changed for result in results) == 1
    assert QuarterlyReport.objects.count() == 1
    assert IndicatorValue.objects.count() == 3
