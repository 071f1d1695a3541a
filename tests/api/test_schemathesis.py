"""Every operation of /api/schema/, called with generated input by schemathesis
as the secretariat administrator and as a partner (token auth), against the
Django app in this process (WSGI) and the test database: no answer may be a
server error, and every answer must be one the schema describes, in the shape
it describes.

The plan of tests/api/conftest.py gives the GETs rows; path parameters are
mostly pointed at what exists (the plan's code, its periods, its reports) so
that the POSTs and PATCHes reach the services. Nothing is excluded: a
transition schemathesis tries (approving a draft, withdrawing the newest
publication) must answer 2xx or 4xx, never 5xx. Revoking one's token
(DELETE /auth/token/) is undone before each call.
"""

import json
import zlib

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from indicators.models import QuarterlyReport
from tests.factories import approved_report

pytestmark = pytest.mark.django_db

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# Per operation and role: enough to reach each answer, few enough for the whole
# file to run in about a minute on SQLite.
EXAMPLES = 10


@pytest.fixture(scope="module")
def app():
    # Made here, not ntip.wsgi's: middleware reads its settings when it is
    # made, and by now the tests' apply (plain HTTP: tests/conftest.py).
    return WSGIHandler()


@pytest.fixture(autouse=True)
def requests_in_this_transaction():
    """Django closes the database connection at the end of each request unless
    it runs under the test client; schemathesis calls the WSGI app directly, so
    the test's transaction (and its data) would go with it."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def reports_in_every_state(read_plan, focal_point):
    # A draft and a returned report besides the plan's, so that every transition has one to try.
    approved_report(focal_point.organisation, read_plan.plan.periods.get(index=1), state="DRAFT")
    approved_report(focal_point.organisation, read_plan.plan.periods.get(index=2), state="RETURNED")


def schema_document() -> dict:
    """The document /api/schema/ serves (tests/api/test_schema.py reads it
    there), made here because the tests are collected before any request
    can be made."""
    generated = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(generated))


schema = schemathesis.openapi.from_dict(schema_document())
# The coverage phase tries each parameter's edge values: some sixty calls an
# operation, five times the time; the fuzzing phase's examples stay.
schema.config.phases.coverage.enabled = False


def existing(case, read_plan):
    """Point the case's path at what exists, most of the time: the plan's code,
    one of its periods, one of its reports. Otherwise every call is a 404."""
    parameters = case.path_parameters or {}
    if "code" in parameters:
        parameters["code"] = read_plan.plan.code
    if "period" in parameters:
        codes = list(read_plan.plan.periods.order_by("index").values_list("code", flat=True))
        parameters["period"] = codes[zlib.crc32(str(parameters["period"]).encode()) % len(codes)]
    if "id" in parameters:
        ids = list(QuarterlyReport.objects.order_by("pk").values_list("pk", flat=True))
        parameters["id"] = ids[zlib.crc32(str(parameters["id"]).encode()) % len(ids)]


@schema.parametrize()
@pytest.mark.parametrize("role", ["admin_user", "partner"])
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_no_operation_answers_500_or_outside_its_schema(
    case, role, request, app, read_plan, reports_in_every_state
):
    existing(case, read_plan)
    token, _ = Token.objects.get_or_create(user=request.getfixturevalue(role))

    case.call_and_validate(app=app, headers={"Authorization": f"Token {token.key}"}, checks=CHECKS)
