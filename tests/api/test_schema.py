"""/api/schema/ (OpenAPI 3) and /api/docs/ (Swagger UI from the sidecar, under
the site's CSP)."""

import re

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db

READ_API = [
    "/api/v1/plans/",
    "/api/v1/plans/{code}/",
    "/api/v1/plans/{code}/periods/",
    "/api/v1/organisations/",
    "/api/v1/indicators/",
    "/api/v1/values/",
    "/api/v1/plans/{code}/scores/",
]


def schema_of(client) -> dict:
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return response.json()


def test_the_schema_is_open_and_describes_the_read_api(client):
    schema = schema_of(client)

    assert schema["openapi"].startswith("3.")
    assert set(READ_API) <= set(schema["paths"])


def test_every_operation_lists_its_errors(client):
    schema = schema_of(client)

    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            answers = set(operation["responses"])
            if operation.get("security") != []:
                assert "401" in answers or path == "/api/v1/auth/token/", (method, path)
            if "{" in path and method == "get":
                assert "404" in answers, (method, path)


def test_a_value_is_a_decimal_or_under_five_in_the_schema(client):
    row = schema_of(client)["components"]["schemas"]["ValueRow"]

    assert {"type": "string", "enum": ["<5"]} in row["properties"]["value"]["oneOf"]
    # The dimensions' fields: sex, age_group … holding a category, or null.
    assert row["additionalProperties"]["nullable"] is True


def test_the_schema_is_valid_and_generates_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))


def test_the_docs_page_runs_no_inline_script_or_style(client):
    response = client.get("/api/docs/")

    assert response.status_code == 200
    html = response.content.decode()
    scripts = re.findall(r"<script([^>]*)>", html)
    assert scripts and all("src=" in attributes for attributes in scripts)
    assert "<style" not in html and "style=" not in html
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html


def test_the_docs_pages_start_up_script_is_a_file_of_its_own(client):
    response = client.get("/api/docs/?script=")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert "/api/schema/" in response.content.decode()
