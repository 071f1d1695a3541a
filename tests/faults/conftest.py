"""Faults and races: what users see when things go wrong at the same time,
and that nothing is lost (issue 15). Tests marked ``postgres`` need PostgreSQL
(real row locks, a server other processes reach); on SQLite they are skipped."""

import threading

import pytest
from django.db import connection, connections


@pytest.fixture(autouse=True)
def needs_postgres(request):
    if request.node.get_closest_marker("postgres") and connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: run with DATABASE_URL=postgres://…")


def at_once(*calls, timeout: float = 30):
    """Run each call in its own thread (each with its own database connection),
    released together by a barrier; return what each returned or raised, in
    the order given."""
    barrier = threading.Barrier(len(calls))
    outcomes: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=timeout)
            outcomes[index] = call()
        except Exception as error:  # the outcome is what the test asserts
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(thread.is_alive() for thread in threads), "a racer is stuck (a lock never released?)"
    return outcomes
