"""The quarterly reports API (docs/api.md): list and read
reports, open one, fill it in, and move it through the workflow.

Every read starts from ``reports_for_user`` (what a user may not see is a 404);
every write calls the same service as the report form and the values import
(services.py, workflow.py and evidence.py beside this file), so the rules and their messages are the same.

Errors (docs/api.md):
- 400 with field-level messages. The figures' messages are keyed by code, in
  the shape the lines are sent in: ``{"indicator_values": {"I1": {"value":
  ["Enter a number of 0 or more."]}}, "activity_updates": {"A1":
  {"percent_complete": [...]}}}``; a cell's under ``"cells": {"sex=F": [...]}``.
- 403 ``{"detail": ...}``: signed in, but this role may not do this.
- 404: no such report, or not one this user may see.
- 409 ``{"detail": ...}``: the report was saved by someone else since
  ``version`` (the current version is returned too), or the step is not
  allowed from the report's state.
"""

from dataclasses import dataclass, field

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import APIException
from rest_framework.exceptions import PermissionDenied as Forbidden
from rest_framework.exceptions import ValidationError as BadRequest
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from indicators.access import report_get_for_user_or_404, reports_for_user, user_sees_report_workings
from indicators.models import (
    ActivityStatus,
    ActivityUpdate,
    Indicator,
    IndicatorValue,
    LineComment,
    QuarterlyReport,
    ReportEvent,
    ReportState,
)
from indicators.quarterly_report.expected import report_expected_activities, report_expected_indicators
from indicators.quarterly_report.lines import ActivityLine, IndicatorLine
from indicators.quarterly_report.services import (
    ReportConflict,
    TransitionNotAllowed,
    report_open,
    report_save,
    require_editable,
)
from indicators.quarterly_report.validation import report_lines_check
from indicators.quarterly_report.workflow import (
    report_approve,
    report_reopen,
    report_return,
    report_submit,
    require_reviewer,
)
from plans.access import plans_for_user, user_can_edit_report
from plans.api_schema import errors
from plans.formatting import ascii_digits
from plans.models import Organisation
from strategies.models import Activity

# The same digits as the model fields, so that a figure the API accepts fits.
VALUE_DIGITS = {"max_digits": 16, "decimal_places": 4}
PERCENT_DIGITS = {"max_digits": 5, "decimal_places": 2}
CELL_VALUE = serializers.DecimalField(**VALUE_DIGITS)
TEXT_FIELDS = ("note", "gap_reason", "corrective_action")


class NumberInput(serializers.DecimalField):
    """A figure sent as a JSON number or as text, the text in either digit set:
    "១២.៥" is read as 12.5, as the report form reads it (plans.forms.NumberField)."""

    def to_internal_value(self, data):
        return super().to_internal_value(ascii_digits(data) if isinstance(data, str) else data)


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"

    def __init__(self, detail: str, *, version: int | None = None):
        super().__init__(detail)
        if version is not None:
            # The version to start again from; a number, which APIException's
            # own detail would turn into text.
            self.detail = {"detail": self.detail, "version": version}


# --- Reading ---------------------------------------------------------------------


class IndicatorValueSerializer(serializers.ModelSerializer):
    indicator = serializers.CharField(source="indicator.code")
    cells = serializers.SerializerMethodField()

    class Meta:
        model = IndicatorValue
        fields = ["indicator", "value", "cells", "note", "gap_reason", "corrective_action"]

    def get_cells(self, value: IndicatorValue) -> dict[str, str]:
        return {cell.cell: CELL_VALUE.to_representation(cell.value) for cell in value.cells.all()}


class ActivityUpdateSerializer(serializers.ModelSerializer):
    activity = serializers.CharField(source="activity.code")

    class Meta:
        model = ActivityUpdate
        fields = ["activity", "status", "percent_complete", "note"]


class ReportEventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", allow_null=True)

    class Meta:
        model = ReportEvent
        fields = ["at", "actor", "from_state", "to_state", "comment"]


# What a reader who may not see how a report was made gets instead
# (indicators.access.user_sees_report_workings): the steps and their times, no names.
WORKINGS = ("submitted_by", "approved_by", "review_comment")


def without_workings(data: dict) -> dict:
    for name in WORKINGS:
        if name in data:
            data[name] = "" if name == "review_comment" else None
    if "events" in data:
        data["events"] = [{**event, "actor": None, "comment": ""} for event in data["events"]]
    if "line_comments" in data:
        data["line_comments"] = {"indicator_values": {}, "activity_updates": {}}
    return data


class ReportSerializer(serializers.ModelSerializer):
    organisation = serializers.CharField(source="organisation.code")
    period = serializers.CharField(source="period.code")
    plan = serializers.CharField(source="period.plan.code")
    deadline = serializers.DateField(source="period.deadline")
    late = serializers.BooleanField(source="is_late")
    submitted_by = serializers.CharField(source="submitted_by.username", allow_null=True)
    approved_by = serializers.CharField(source="approved_by.username", allow_null=True)

    class Meta:
        model = QuarterlyReport
        read_only_fields = fields = [
            "id",
            "organisation",
            "period",
            "plan",
            "state",
            "version",
            "deadline",
            "late",
            "first_submitted_at",
            "submitted_at",
            "submitted_by",
            "approved_at",
            "approved_by",
            "review_comment",
            "updated_at",
        ]

    def to_representation(self, report: QuarterlyReport) -> dict:
        """The report as the reader may see it: how it was made (names, the
        secretariat's comments) only for those who may (without_workings)."""
        data = super().to_representation(report)
        request = self.context.get("request")
        if request is None or not user_sees_report_workings(request.user, report.organisation_id):
            data = without_workings(data)
        return data


class ReportDetailSerializer(ReportSerializer):
    indicator_values = IndicatorValueSerializer(many=True)
    activity_updates = ActivityUpdateSerializer(many=True)
    events = ReportEventSerializer(many=True)
    line_comments = serializers.SerializerMethodField()

    class Meta(ReportSerializer.Meta):
        read_only_fields = fields = [
            *ReportSerializer.Meta.fields,
            "indicator_values",
            "activity_updates",
            "events",
            "line_comments",
        ]

    def get_line_comments(self, report: QuarterlyReport) -> dict:
        """The secretariat's comments on lines when it returned the report, by
        code in the sections of the lines they are about (cleared on approval)."""
        comments: dict = {"indicator_values": {}, "activity_updates": {}}
        for line in report.line_comments.all():
            section, code = (
                ("indicator_values", line.indicator.code)
                if line.indicator_id
                else ("activity_updates", line.activity.code)
            )
            comments[section][code] = {
                "comment": line.comment,
                "written_by": line.written_by.username if line.written_by else None,
                "written_at": serializers.DateTimeField().to_representation(line.written_at),
            }
        return comments


def reports_listed(user) -> QuerySet[QuarterlyReport]:
    return reports_for_user(user).select_related("submitted_by", "approved_by")


def reports_detailed(user) -> QuerySet[QuarterlyReport]:
    """A report with its lines and history, in a fixed number of queries."""
    return reports_listed(user).prefetch_related(
        Prefetch(
            "indicator_values",
            queryset=IndicatorValue.objects.select_related("indicator").prefetch_related("cells"),
        ),
        Prefetch("activity_updates", queryset=ActivityUpdate.objects.select_related("activity")),
        Prefetch("events", queryset=ReportEvent.objects.select_related("actor")),
        Prefetch(
            "line_comments",
            queryset=LineComment.objects.select_related("indicator", "activity", "written_by").order_by("pk"),
        ),
    )


def report_for_request(request, pk: int) -> QuarterlyReport:
    return report_get_for_user_or_404(request.user, pk)


def report_response(request, report: QuarterlyReport, status_code=status.HTTP_200_OK) -> Response:
    """The report as it now stands, read afresh with its lines."""
    report = reports_detailed(request.user).get(pk=report.pk)
    return Response(ReportDetailSerializer(report, context={"request": request}).data, status=status_code)


# --- Input -----------------------------------------------------------------------


class StrictSerializer(serializers.Serializer):
    """Refuses fields it does not know: a misspelt ``valeu`` would otherwise be
    dropped without a word, and the figure left as it was."""

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            return super().to_internal_value(data)
        message = _("Unknown field; the fields are: %(fields)s.") % {"fields": ", ".join(self.fields)}
        errors = {name: [message] for name in sorted(set(data) - set(self.fields))}
        # The known fields are read too, so that one answer holds every problem.
        try:
            value = super().to_internal_value({k: v for k, v in data.items() if k in self.fields})
        except BadRequest as error:
            errors = error.detail | errors
        if errors:
            raise BadRequest(errors)
        return value


class IndicatorLineInput(StrictSerializer):
    indicator = serializers.CharField(required=False)
    value = NumberInput(**VALUE_DIGITS, required=False, allow_null=True)
    cells = serializers.DictField(child=NumberInput(**VALUE_DIGITS, allow_null=True), required=False)
    note = serializers.CharField(required=False, allow_blank=True)
    gap_reason = serializers.CharField(required=False, allow_blank=True)
    corrective_action = serializers.CharField(required=False, allow_blank=True)


class ActivityLineInput(StrictSerializer):
    activity = serializers.CharField(required=False)
    status = serializers.ChoiceField(
        choices=ActivityStatus.choices, required=False, allow_blank=True, allow_null=True
    )
    percent_complete = NumberInput(**PERCENT_DIGITS, required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True)


@dataclass
class ParsedLines:
    """One section of lines as read: each line's readable fields by code, the
    parts that could not be read, and the messages about them."""

    lines: dict[str, dict] = field(default_factory=dict)
    unreadable: dict[str, frozenset[str]] = field(default_factory=dict)
    errors: dict[str, dict] = field(default_factory=dict)


class LinesField(serializers.Field):
    """Lines keyed by code, ``{"I1": {"value": 12}}``, or a list of lines that
    each name their code, ``[{"indicator": "I1", "value": 12}]`` as GET returns
    them. Either way the result is ParsedLines keyed by code. A section that
    is not lines at all is refused here; a line with a bad field is kept, with
    the field named unreadable, so that the rules check the rest of it too."""

    def __init__(self, *, line: type[serializers.Serializer], code_field: str, **kwargs):
        self.line = line
        self.code_field = code_field
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if isinstance(data, list):
            data = self.keyed_by_code(data)
        if not isinstance(data, dict):
            raise BadRequest(
                [_("Give an object keyed by %(what)s code, or a list.") % {"what": self.code_field}]
            )
        parsed = ParsedLines()
        for code, item in data.items():
            serializer = self.line(data=item)
            if not serializer.is_valid():
                parsed.errors[code] = serializer.errors
                if not isinstance(item, dict):
                    continue
                parsed.unreadable[code] = frozenset(unreadable_parts(serializer.errors))
                serializer = self.line(data=readable_part(item, serializer.errors))
                if not serializer.is_valid():
                    continue
            parsed.lines[code] = {k: v for k, v in serializer.validated_data.items() if k != self.code_field}
        return parsed

    def keyed_by_code(self, items: list) -> dict:
        keyed = {}
        for number, item in enumerate(items, start=1):
            code = item.get(self.code_field) if isinstance(item, dict) else None
            if not isinstance(code, str) or not code:
                raise BadRequest(
                    [
                        _("Line %(number)s does not name its %(what)s by code.")
                        % {"number": number, "what": self.code_field}
                    ]
                )
            if code in keyed:
                raise BadRequest([_("%(code)s is given twice.") % {"code": code}])
            keyed[code] = item
        return keyed


def unreadable_parts(errors: dict):
    """The line's parts named in its errors, as IndicatorLine.unreadable names
    them: a cell as ``cell-sex=F``, the whole grid as ``cells``."""
    for name, detail in errors.items():
        if name == "cells" and isinstance(detail, dict):
            yield from (f"cell-{key}" for key in detail)
        else:
            yield name


def readable_part(item: dict, errors: dict) -> dict:
    """The line without what could not be read (and without unknown fields)."""
    rest = {name: value for name, value in item.items() if name not in errors}
    cell_errors = errors.get("cells")
    if isinstance(cell_errors, dict) and isinstance(item.get("cells"), dict):
        rest["cells"] = {key: value for key, value in item["cells"].items() if key not in cell_errors}
    return rest


class LinesFieldSchema(OpenApiSerializerFieldExtension):
    """LinesField in the schema: lines keyed by code, or a list of lines."""

    target_class = LinesField

    def map_serializer_field(self, auto_schema, direction):
        line = auto_schema.resolve_serializer(self.target.line, direction).ref
        return {
            "oneOf": [{"type": "object", "additionalProperties": line}, {"type": "array", "items": line}],
            "description": f"Lines keyed by {self.target.code_field} code, or a list of lines "
            "that each name their code.",
        }


class ReportSaveInput(StrictSerializer):
    # The bounds of the model's PositiveIntegerField.
    version = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    indicator_values = LinesField(line=IndicatorLineInput, code_field="indicator", required=False)
    activity_updates = LinesField(line=ActivityLineInput, code_field="activity", required=False)


class ReportOpenInput(StrictSerializer):
    plan = serializers.CharField()
    period = serializers.CharField()
    organisation = serializers.CharField(required=False)


class CommentInput(StrictSerializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class LineCommentsInput(StrictSerializer):
    """``{"indicator_values": {"I1": "…"}, "activity_updates": {"A1": "…"}}``."""

    indicator_values = serializers.DictField(child=serializers.CharField(allow_blank=True), required=False)
    activity_updates = serializers.DictField(child=serializers.CharField(allow_blank=True), required=False)


class ReturnInput(CommentInput):
    line_comments = LineCommentsInput(required=False)


class NoInput(StrictSerializer):
    pass


def validated(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


# --- From the services' errors to HTTP ---------------------------------------------

LINE_SECTIONS = {"indicator": "indicator_values", "activity": "activity_updates"}


def service_errors(error: DjangoValidationError, report: QuarterlyReport | None) -> dict:
    """A service's ValidationError, keyed by line_field() names such as
    ``indicator-12-value`` or ``indicator-12-cell-sex=F``, rekeyed by code:
    ``{"indicator_values": {"I1": {"value": [...]}}}``."""
    if not hasattr(error, "error_dict"):
        return {"non_field_errors": error.messages}
    if report is None:
        return {
            "non_field_errors" if key == NON_FIELD_ERRORS else key: m for key, m in error.message_dict.items()
        }
    plan_id = report.period.plan_id
    codes = {
        "indicator": dict(Indicator.objects.filter(plan_id=plan_id).values_list("pk", "code")),
        "activity": dict(Activity.objects.filter(plan_id=plan_id).values_list("pk", "code")),
    }
    errors: dict = {}
    for key, messages in error.message_dict.items():
        kind, _sep, rest = key.partition("-")
        object_id, _sep, name = rest.partition("-")
        if kind not in LINE_SECTIONS or not object_id.isdigit() or not name:
            errors["non_field_errors" if key == NON_FIELD_ERRORS else key] = messages
            continue
        code = codes[kind].get(int(object_id), object_id)
        line = errors.setdefault(LINE_SECTIONS[kind], {}).setdefault(code, {})
        if name.startswith("cell-"):
            line.setdefault("cells", {})[name.removeprefix("cell-")] = messages
        else:
            line[name] = messages
    return errors


def run_service(call, *, report: QuarterlyReport | None = None):
    """Run a service call, answering its refusals as the API does."""
    try:
        return call()
    except PermissionDenied as refusal:
        raise Forbidden(str(refusal) or None) from refusal
    except DjangoValidationError as error:
        raise BadRequest(service_errors(error, report)) from error
    except ReportConflict as conflict:
        raise Conflict(str(conflict), version=conflict.report.version) from conflict
    except TransitionNotAllowed as refusal:
        raise Conflict(str(refusal)) from refusal


# --- Views -----------------------------------------------------------------------


REPORT_FILTERS = [
    OpenApiParameter("plan", str, description="plan code"),
    OpenApiParameter("period", str, description="period code, e.g. 2025-Q2"),
    OpenApiParameter("organisation", str, description="organisation code"),
    OpenApiParameter("state", str, enum=ReportState.values),
]


class ReportListView(GenericAPIView):
    """GET: the reports the user may see, ``?plan=&period=&organisation=&state=``.
    POST ``{plan, period, organisation}``: open (create the first time) that
    organisation's report; a focal point's own organisation when left out."""

    serializer_class = ReportSerializer
    filter_lookups = {
        "plan": "period__plan__code",
        "period": "period__code",
        "organisation": "organisation__code",
    }

    def get_queryset(self):
        reports = reports_listed(self.request.user)
        params = self.request.query_params
        for param, lookup in self.filter_lookups.items():
            if param in params:
                reports = reports.filter(**{lookup: params[param]})
        if "state" in params:
            state = params["state"].upper()
            if state not in ReportState.values:
                raise BadRequest(
                    {"state": [_("Choose one of: %(states)s.") % {"states": ", ".join(ReportState.values)}]}
                )
            reports = reports.filter(state=state)
        return reports.order_by("period__plan__code", "period__index", "organisation__code", "pk")

    @extend_schema(
        operation_id="reports_list",
        parameters=REPORT_FILTERS,
        responses={200: ReportSerializer(many=True), **errors(400, 401)},
    )
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        request=ReportOpenInput,
        responses={200: ReportDetailSerializer, 201: ReportDetailSerializer, **errors(400, 401, 403, 409)},
    )
    def post(self, request):
        data = validated(ReportOpenInput, request)
        plan = plans_for_user(request.user).filter(code=data["plan"]).first()
        if plan is None:
            raise BadRequest({"plan": [_("No plan %(code)s.") % {"code": data["plan"]}]})
        period = plan.periods.filter(code=data["period"].upper()).first()
        if period is None:
            raise BadRequest(
                {
                    "period": [
                        _("%(code)s is not a period of plan %(plan)s; write it like 2025-Q2.")
                        % {"code": data["period"], "plan": plan.code}
                    ]
                }
            )
        organisation = self.organisation(request, data.get("organisation"))
        existed = QuarterlyReport.objects.filter(organisation=organisation, period=period).exists()
        report = run_service(
            lambda: report_open(actor=request.user, organisation=organisation, period=period)
        )
        return report_response(request, report, status.HTTP_200_OK if existed else status.HTTP_201_CREATED)

    @staticmethod
    def organisation(request, code: str | None) -> Organisation:
        if code is None:
            if request.user.organisation_id is None:
                raise BadRequest({"organisation": [_("Say which organisation's report to open.")]})
            return request.user.organisation
        organisation = Organisation.objects.filter(code=code).first()
        if organisation is None:
            raise BadRequest({"organisation": [_("Unknown organisation code %(code)s.") % {"code": code}]})
        return organisation


class ReportDetailView(APIView):
    """GET: one report with its figures, activity updates, history and the
    secretariat's comments on lines. PATCH ``{version, indicator_values,
    activity_updates}``: save figures; a 400 holds every problem of the body
    at once (what could not be read, and what the rules refuse of the rest)."""

    @extend_schema(responses={200: ReportDetailSerializer, **errors(401, 404)})
    def get(self, request, pk: int):
        report = report_get_for_user_or_404(request.user, pk, reports_detailed(request.user))
        return Response(ReportDetailSerializer(report, context={"request": request}).data)

    @extend_schema(
        request=ReportSaveInput,
        responses={200: ReportDetailSerializer, **errors(400, 401, 403, 404, 409)},
    )
    def patch(self, request, pk: int):
        report = report_for_request(request, pk)
        # Who may edit comes before what was sent: a reviewer learns they may
        # not edit, not that their figures are wrong; and so does the state.
        if not user_can_edit_report(request.user, report.organisation):
            raise Forbidden(_("You may not edit %(org)s's report.") % {"org": report.organisation.code})
        run_service(lambda: require_editable(report))
        version, sections, errors = save_input(request)
        indicator_lines, indicator_errors = self.indicator_lines(report, sections.get("indicator_values"))
        activity_lines, activity_errors = self.activity_lines(report, sections.get("activity_updates"))
        expected = report_expected_indicators(report), report_expected_activities(report)
        check = report_lines_check(
            report=report,
            indicators=expected[0],
            activities=expected[1],
            indicator_lines=indicator_lines,
            activity_lines=activity_lines,
        )
        errors = errors_merge(
            errors,
            {name: parsed.errors for name, parsed in sections.items()},
            {"indicator_values": indicator_errors, "activity_updates": activity_errors},
            service_errors(DjangoValidationError(check.save), report) if check.save else {},
        )
        if errors:
            raise BadRequest(errors)
        run_service(
            lambda: report_save(
                actor=request.user,
                report=report,
                version=version,
                indicator_lines=indicator_lines,
                activity_lines=activity_lines,
                expected=expected,
            ),
            report=report,
        )
        return report_response(request, report)

    @staticmethod
    def known(objects: QuerySet, report: QuarterlyReport, codes, what: str) -> tuple[dict, dict]:
        """The plan's objects with these codes, and an error for each unknown one."""
        plan = report.period.plan
        found = {obj.code: obj for obj in objects.filter(plan=plan, code__in=list(codes))}
        message = _("No %(what)s %(code)s in plan %(plan)s.")
        return found, {
            code: {what: [message % {"what": what, "code": code, "plan": plan.code}]}
            for code in codes
            if code not in found
        }

    def indicator_lines(self, report: QuarterlyReport, parsed: ParsedLines | None) -> tuple[list, dict]:
        """A line per indicator sent, and the errors of the lines that cannot be
        one. What a line leaves out keeps its stored value; ``"value": null``
        clears the figure; cells are merged into the stored ones, a null cell
        clearing that cell."""
        if parsed is None:
            return [], {}
        codes = parsed.lines.keys() | parsed.unreadable.keys()
        indicators, errors = self.known(
            Indicator.objects.prefetch_related("disaggregation"), report, codes, "indicator"
        )
        stored = {
            value.indicator_id: value
            for value in report.indicator_values.filter(indicator__in=indicators.values()).prefetch_related(
                "cells"
            )
        }
        result = []
        for code, indicator in indicators.items():
            data = parsed.lines.get(code, {})
            unreadable = parsed.unreadable.get(code, frozenset())
            shape = line_shape_errors(indicator, data, unreadable)
            if shape:
                errors[code] = shape
                continue
            result.append(indicator_line(indicator, data, unreadable, stored.get(indicator.pk)))
        return result, errors

    def activity_lines(self, report: QuarterlyReport, parsed: ParsedLines | None) -> tuple[list, dict]:
        """A line per activity sent; what it leaves out keeps its stored value."""
        if parsed is None:
            return [], {}
        codes = parsed.lines.keys() | parsed.unreadable.keys()
        activities, errors = self.known(Activity.objects.all(), report, codes, "activity")
        stored = {
            update.activity_id: update
            for update in report.activity_updates.filter(activity__in=activities.values())
        }
        result = []
        for code, activity in activities.items():
            data, old = parsed.lines.get(code, {}), stored.get(activity.pk)
            unreadable = parsed.unreadable.get(code, frozenset())
            result.append(
                ActivityLine(
                    activity.pk,
                    status=data.get("status", old.status if old else "") or "",
                    percent_complete=None
                    if "percent_complete" in unreadable
                    else data.get("percent_complete", old.percent_complete if old else None),
                    note=data.get("note", old.note if old else ""),
                    unreadable=unreadable & {"status", "percent_complete", "note"},
                )
            )
        return result, errors


def save_input(request) -> tuple[int | None, dict[str, ParsedLines], dict]:
    """A save's body read as far as it can be: its version, its sections of
    lines, and every message about what could not be read."""
    serializer = ReportSaveInput(data=request.data)
    if serializer.is_valid():
        data = serializer.validated_data
        return data["version"], {k: v for k, v in data.items() if k != "version"}, {}
    errors = dict(serializer.errors)
    if not isinstance(request.data, dict):
        raise BadRequest(errors)
    # The sections read on their own, so that a bad version hides no bad figure.
    sections = {
        name: serializer.fields[name].run_validation(request.data[name])
        for name in ("indicator_values", "activity_updates")
        if name in request.data and name not in errors
    }
    return None, sections, errors


def line_shape_errors(indicator: Indicator, data: dict, unreadable: frozenset[str]) -> dict:
    """A split figure is given cell by cell, any other as a value."""
    split = bool(indicator.disaggregation.all())
    # The value of a split figure is the sum of its cells: sent back with
    # them, as GET gives it, it is ignored; sent alone, it is refused.
    if split and "value" in (data.keys() | unreadable) and not ({"cells"} & (data.keys() | unreadable)):
        return {"value": [_("This indicator is disaggregated: give its cells, not a value.")]}
    if not split and data.get("cells"):
        return {"cells": [_("This indicator is not disaggregated: give its value.")]}
    return {}


def indicator_line(
    indicator: Indicator, data: dict, unreadable: frozenset[str], old: IndicatorValue | None
) -> IndicatorLine:
    """The line that a body's fields make, over what is stored."""
    split = bool(indicator.disaggregation.all())
    line = IndicatorLine(
        indicator.pk,
        value=None if split or "value" in unreadable else data.get("value", old.value if old else None),
        cells=({c.cell: c.value for c in old.cells.all()} if old and split else {}) | data.get("cells", {}),
        unreadable=unreadable,
    )
    # A figure cleared takes its stored texts with it; texts sent with no
    # figure are refused by the rules (validation.py), not dropped.
    kept = old if old and not line.is_empty else None
    for name in TEXT_FIELDS:
        setattr(line, name, data.get(name, getattr(kept, name) if kept else ""))
    return line


def errors_merge(*parts: dict) -> dict:
    """Messages keyed alike (by section, code and field) put together."""
    merged: dict = {}
    for part in parts:
        for key, value in part.items():
            if not value:
                continue
            if isinstance(value, dict) and isinstance(merged.get(key), dict):
                merged[key] = errors_merge(merged[key], value)
            elif isinstance(value, list) and isinstance(merged.get(key), list):
                merged[key] = [*merged[key], *(m for m in value if m not in merged[key])]
            else:
                merged.setdefault(key, value)
    return merged


def return_step(actor, report: QuarterlyReport, data: dict) -> QuarterlyReport:
    """Return a report, with the reviewer's comments on lines given by code;
    their messages come back under ``line_comments``, as they were sent."""
    require_reviewer(actor)
    comments = data.get("line_comments") or {}
    plan_id = report.period.plan_id
    ids, errors = {}, {}
    for section, model, kind in (
        ("indicator_values", Indicator, "indicator"),
        ("activity_updates", Activity, "activity"),
    ):
        given = comments.get(section) or {}
        found = dict(model.objects.filter(plan_id=plan_id, code__in=list(given)).values_list("code", "pk"))
        ids[kind] = {found[code]: text for code, text in given.items() if code in found}
        message = _("No %(what)s %(code)s in this report's plan.")
        unknown = {code: [message % {"what": kind, "code": code}] for code in given if code not in found}
        if unknown:
            errors[section] = unknown
    if errors:
        raise BadRequest({"line_comments": errors})
    try:
        return report_return(
            actor=actor,
            report=report,
            comment=data.get("comment", ""),
            indicator_comments=ids["indicator"],
            activity_comments=ids["activity"],
        )
    except DjangoValidationError as error:
        found = service_errors(error, report)
        lines = {
            section: {code: fields["comment"] for code, fields in found.pop(section).items()}
            for section in LINE_SECTIONS.values()
            if section in found
        }
        raise BadRequest(found | ({"line_comments": lines} if lines else {})) from error


# Each step: what its body may hold, and the service it calls.
STEPS = {
    "submit": (NoInput, lambda actor, report, data: report_submit(actor=actor, report=report)),
    "approve": (
        CommentInput,
        lambda actor, report, data: report_approve(actor=actor, report=report, comment=data["comment"]),
    ),
    "return": (ReturnInput, return_step),
    "reopen": (
        CommentInput,
        lambda actor, report, data: report_reopen(actor=actor, report=report, reason=data["comment"]),
    ),
}


class ReportStepView(APIView):
    """POST: one workflow step (``step``: submit, approve, return or reopen).
    ``{"comment": ...}`` goes with approve (optional), return and reopen
    (required); a return may also carry ``line_comments`` (docs/api.md)."""

    step = ""

    def get_serializer_class(self):
        # The step's body, for the schema: NoInput, CommentInput or ReturnInput.
        return STEPS[self.step][0]

    @extend_schema(responses={200: ReportDetailSerializer, **errors(400, 401, 403, 404, 409)})
    def post(self, request, pk: int):
        report = report_for_request(request, pk)
        body, service = STEPS[self.step]
        data = validated(body, request)
        run_service(lambda: service(request.user, report, data), report=report)
        return report_response(request, report)
