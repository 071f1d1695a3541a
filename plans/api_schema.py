"""How the API's errors are described in its OpenAPI schema (/api/schema/,
docs/api.md "Errors"): every view lists the answers it can give besides its
own, with ``extend_schema(responses={200: …, **errors(400, 401, 404)})``.

The bodies are DRF's: ``{"detail": …}`` for a refusal, field-level messages
(``{"period": ["…"]}``, nested for the report's lines) for bad input.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers

Detail = inline_serializer("ErrorDetail", fields={"detail": serializers.CharField()})

# A 409 of the quarterly report's save also says which version to start again from.
Conflict = inline_serializer(
    "ErrorConflict",
    fields={"detail": serializers.CharField(), "version": serializers.IntegerField(required=False)},
)

DESCRIPTIONS = {
    400: "Bad input: every problem at once, each message next to the field it is about.",
    401: "No credentials, or a bad, expired or revoked token.",
    403: "Signed in, but your role may not do this.",
    404: "Not found, or not one you may see.",
    409: "Not allowed from the current state, or someone saved it since your version.",
    429: "Too many requests, or a sign-in lockout; see Retry-After.",
}


def errors(*statuses: int) -> dict[int, OpenApiResponse]:
    """The error answers a view can give, for its ``extend_schema(responses=…)``."""
    bodies = {400: OpenApiTypes.OBJECT, 409: Conflict}
    return {
        status: OpenApiResponse(bodies.get(status, Detail), description=DESCRIPTIONS[status])
        for status in statuses
    }


def paginated_lists_answer_404(result, generator, request, public):
    """SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]: every paginated list
    answers 404 ``{"detail": "Invalid page."}`` to a page past the last (DRF's
    PageNumberPagination); say so wherever ``?page=`` is taken."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            pages = any(
                p.get("name") == "page" and p.get("in") == "query" for p in operation.get("parameters", [])
            )
            if pages and "404" not in operation["responses"]:
                operation["responses"]["404"] = {
                    "description": "A page past the last.",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorDetail"}}},
                }
    return result


def bodies_answer_415(result, generator, request, public):
    """SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]: every operation that takes
    a body answers 415 ``{"detail": …}`` to a body of a media type its parsers
    do not read (ntip/parsers.py and DRF's); say so wherever a body is taken."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            if "requestBody" in operation and "415" not in operation["responses"]:
                operation["responses"]["415"] = {
                    "description": "A body of a media type the API does not read.",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorDetail"}}},
                }
    return result
