"""Long exports: 202 and a job to poll (API), a progress page and a link
(pages), "My exports" holding one's own only, old ones pruned."""

import pytest
from django.core.files.base import ContentFile

from reports.exports.services import exports_prune
from reports.exports.tasks import build_export
from reports.models import Export
from tests.conftest import token_client
from tests.factories import UserFactory
from tests.reports.exports.conftest import rows_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def with_a_worker(settings, tmp_path):
    """As in production: a broker, and exports of more than one row written by a worker."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.EXPORTS_BACKGROUND_ROWS = 1
    settings.MEDIA_ROOT = tmp_path


def test_a_long_export_answers_202_with_a_job_to_poll_then_the_file(
    client, export_plan, reviewer, with_a_worker, django_capture_on_commit_callbacks
):
    token_client(client, reviewer)
    with django_capture_on_commit_callbacks(execute=False) as enqueued:
        response = client.get("/api/v1/plans/NSP/exports/values.csv", {"period": "2024-Q1"})
    assert response.status_code == 202
    assert len(enqueued) == 1  # the worker is asked once the record commits
    job = response["Location"]
    assert response.json()["state"] == "PENDING" and response.json()["url"] is None
    assert client.get(job).json()["progress"] == 0

    build_export(response.json()["id"])  # what the worker runs

    polled = client.get(job).json()
    assert (polled["state"], polled["progress"], polled["rows"]) == ("DONE", 100, 4)
    file = client.get(polled["url"])
    assert file.status_code == 200
    _, rows = rows_of(file, "csv")
    assert len(rows) == 4 and rows[0]["submitted_by"] == "moi-submitter"


def test_a_long_export_is_written_as_its_user_may_see_it(
    client, export_plan, partner, with_a_worker, django_capture_on_commit_callbacks
):
    token_client(client, partner)
    with django_capture_on_commit_callbacks(execute=False):
        response = client.get("/api/v1/plans/NSP/exports/values.json")
    build_export(response.json()["id"])
    _, rows = rows_of(client.get(client.get(response["Location"]).json()["url"]), "json")
    assert {r["period"] for r in rows} == {"2024-Q1"}
    assert "<5" in {r["value"] for r in rows}
    assert "moi-submitter" not in {r["submitted_by"] for r in rows}


def test_with_tasks_inline_a_long_export_is_answered_at_once(client, export_plan, reviewer, settings):
    settings.EXPORTS_BACKGROUND_ROWS = 1  # CELERY_TASK_ALWAYS_EAGER: no broker in tests
    token_client(client, reviewer)
    response = client.get("/api/v1/plans/NSP/exports/values.csv")
    assert response.status_code == 200
    assert not Export.objects.exists()


def test_the_page_shows_a_long_exports_progress_then_a_link(
    client, export_plan, reviewer, with_a_worker, django_capture_on_commit_callbacks
):
    client.force_login(reviewer)
    with django_capture_on_commit_callbacks(execute=False):
        response = client.get("/exports/NSP/values.xlsx?period=2024-Q1")
    export = Export.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/exports/{export.pk}/"
    waiting = client.get(response["Location"]).content.decode()
    assert 'http-equiv="refresh"' in waiting and "<progress" in waiting

    build_export(export.pk)

    ready = client.get(f"/exports/{export.pk}/").content.decode()
    assert f"/exports/{export.pk}/download/" in ready and 'http-equiv="refresh"' not in ready
    _, rows = rows_of(client.get(f"/exports/{export.pk}/download/"), "xlsx")
    assert len(rows) == 4


def test_my_exports_lists_only_ones_own(client, export_plan, reviewer, partner, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    mine = Export.objects.create(
        user=partner, plan=export_plan.plan, dataset="values", format="csv", state="DONE"
    )
    mine.file.save("mine.csv", ContentFile(b"indicator\n"))
    theirs = Export.objects.create(user=reviewer, plan=export_plan.plan, dataset="scores", format="json")
    client.force_login(partner)
    page = client.get("/exports/").content.decode()
    assert f"/exports/{mine.pk}/download/" in page
    assert f"/exports/{theirs.pk}/" not in page and "scores.json" not in page
    assert client.get(f"/exports/{theirs.pk}/").status_code == 404
    assert client.get(f"/exports/{theirs.pk}/download/").status_code == 404
    token_client(client, partner)
    assert client.get(f"/api/v1/exports/{theirs.pk}/").status_code == 404
    assert client.get(f"/api/v1/exports/{theirs.pk}/file").status_code == 404
    assert client.get(f"/api/v1/exports/{mine.pk}/file").status_code == 200


def test_my_exports_page_runs_a_fixed_number_of_queries(
    client, export_plan, partner, django_assert_max_num_queries
):
    for _ in range(5):
        Export.objects.create(user=partner, plan=export_plan.plan, dataset="values", format="csv")
    client.force_login(partner)
    # session, user, the exports with their plans
    with django_assert_max_num_queries(4):
        assert client.get("/exports/").status_code == 200


def test_each_user_keeps_their_newest_exports_only(export_plan, partner, reviewer, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    exports = []
    for n in range(12):
        export = Export.objects.create(user=partner, plan=export_plan.plan, dataset="values", format="csv")
        export.file.save(f"file{n}.csv", ContentFile(b"x"))
        exports.append(export)
    Export.objects.create(user=reviewer, plan=export_plan.plan, dataset="values", format="csv")
    assert exports_prune(user_id=partner.pk, keep=10) == 2
    assert Export.objects.filter(user=partner).count() == 10
    assert Export.objects.filter(user=reviewer).count() == 1
    assert not (tmp_path / exports[0].file.name).exists()
    assert (tmp_path / exports[-1].file.name).exists()


def test_an_export_no_longer_allowed_fails_with_the_reason(export_plan, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    partner = UserFactory(username="p2", role="partner")
    export = Export.objects.create(
        user=partner, plan=export_plan.plan, dataset="values", format="csv", filters={"period": "2024-Q2"}
    )
    build_export(export.pk)
    export.refresh_from_db()
    assert export.state == "FAILED" and "not published" in export.error
