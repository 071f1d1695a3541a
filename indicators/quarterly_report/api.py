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

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _
from rest_framework import serializers, status
from rest_framework.exceptions import APIException
from rest_framework.exceptions import PermissionDenied as Forbidden
from rest_framework.exceptions import ValidationError as BadRequest
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from indicators.access import report_get_for_user_or_404, reports_for_user
from indicators.models import (
    ActivityStatus,
    ActivityUpdate,
    Indicator,
    IndicatorValue,
    QuarterlyReport,
    ReportEvent,
    ReportState,
)
from indicators.quarterly_report.services import (
    ActivityLine,
    IndicatorLine,
    ReportConflict,
    TransitionNotAllowed,
    report_open,
    report_save,
)
from indicators.quarterly_report.workflow import report_approve, report_reopen, report_return, report_submit
from plans.access import plans_for_user, user_can_edit_report
from plans.models import Organisation
from strategies.models import Activity

# The same digits as the model fields, so that a figure the API accepts fits.
VALUE_DIGITS = {"max_digits": 16, "decimal_places": 4}
PERCENT_DIGITS = {"max_digits": 5, "decimal_places": 2}
CELL_VALUE = serializers.DecimalField(**VALUE_DIGITS)
TEXT_FIELDS = ("note", "gap_reason", "corrective_action")


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


class ReportDetailSerializer(ReportSerializer):
    indicator_values = IndicatorValueSerializer(many=True)
    activity_updates = ActivityUpdateSerializer(many=True)
    events = ReportEventSerializer(many=True)

    class Meta(ReportSerializer.Meta):
        read_only_fields = fields = [
            *ReportSerializer.Meta.fields,
            "indicator_values",
            "activity_updates",
            "events",
        ]


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
    )


def report_for_request(request, pk: int) -> QuarterlyReport:
    return report_get_for_user_or_404(request.user, pk)


def report_response(request, report: QuarterlyReport, status_code=status.HTTP_200_OK) -> Response:
    """The report as it now stands, read afresh with its lines."""
    report = reports_detailed(request.user).get(pk=report.pk)
    return Response(ReportDetailSerializer(report).data, status=status_code)


# --- Input -----------------------------------------------------------------------


class StrictSerializer(serializers.Serializer):
    """Refuses fields it does not know: a misspelt ``valeu`` would otherwise be
    dropped without a word, and the figure left as it was."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise BadRequest(
                    {
                        name: [
                            _("Unknown field; the fields are: %(fields)s.")
                            % {"fields": ", ".join(self.fields)}
                        ]
                        for name in unknown
                    }
                )
        return super().to_internal_value(data)


class IndicatorLineInput(StrictSerializer):
    indicator = serializers.CharField(required=False)
    value = serializers.DecimalField(**VALUE_DIGITS, required=False, allow_null=True)
    cells = serializers.DictField(
        child=serializers.DecimalField(**VALUE_DIGITS, allow_null=True), required=False
    )
    note = serializers.CharField(required=False, allow_blank=True)
    gap_reason = serializers.CharField(required=False, allow_blank=True)
    corrective_action = serializers.CharField(required=False, allow_blank=True)


class ActivityLineInput(StrictSerializer):
    activity = serializers.CharField(required=False)
    status = serializers.ChoiceField(
        choices=ActivityStatus.choices, required=False, allow_blank=True, allow_null=True
    )
    percent_complete = serializers.DecimalField(**PERCENT_DIGITS, required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True)


class LinesField(serializers.Field):
    """Lines keyed by code, ``{"I1": {"value": 12}}``, or a list of lines that
    each name their code, ``[{"indicator": "I1", "value": 12}]`` as GET returns
    them. Either way the result is {code: validated line}, and errors are keyed
    by code."""

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
        lines, errors = {}, {}
        for code, item in data.items():
            serializer = self.line(data=item)
            if serializer.is_valid():
                lines[code] = {k: v for k, v in serializer.validated_data.items() if k != self.code_field}
            else:
                errors[code] = serializer.errors
        if errors:
            raise BadRequest(errors)
        return lines

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

    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

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
    """GET: one report with its figures, activity updates and history.
    PATCH ``{version, indicator_values, activity_updates}``: save figures."""

    def get(self, request, pk: int):
        report = report_get_for_user_or_404(request.user, pk, reports_detailed(request.user))
        return Response(ReportDetailSerializer(report).data)

    def patch(self, request, pk: int):
        report = report_for_request(request, pk)
        # Who may edit comes before what was sent: a reviewer learns they may
        # not edit, not that their figures are wrong.
        if not user_can_edit_report(request.user, report.organisation):
            raise Forbidden(_("You may not edit %(org)s's report.") % {"org": report.organisation.code})
        data = validated(ReportSaveInput, request)
        indicator_lines = self.indicator_lines(report, data.get("indicator_values", {}))
        activity_lines = self.activity_lines(report, data.get("activity_updates", {}))
        run_service(
            lambda: report_save(
                actor=request.user,
                report=report,
                version=data["version"],
                indicator_lines=indicator_lines,
                activity_lines=activity_lines,
            ),
            report=report,
        )
        return report_response(request, report)

    @staticmethod
    def known(objects: QuerySet, report: QuarterlyReport, codes, section: str, what: str) -> dict:
        """The plan's objects with these codes; a 400 naming the unknown ones."""
        plan = report.period.plan
        found = {obj.code: obj for obj in objects.filter(plan=plan, code__in=codes)}
        unknown = [code for code in codes if code not in found]
        if unknown:
            message = _("No %(what)s %(code)s in plan %(plan)s.")
            raise BadRequest(
                {
                    section: {
                        code: {what: [message % {"what": what, "code": code, "plan": plan.code}]}
                        for code in unknown
                    }
                }
            )
        return found

    def indicator_lines(self, report: QuarterlyReport, lines: dict) -> list[IndicatorLine]:
        """A line per indicator sent. What a line leaves out keeps its stored
        value; ``"value": null`` clears the figure; cells are merged into the
        stored ones, a null cell clearing that cell."""
        if not lines:
            return []
        indicators = self.known(
            Indicator.objects.prefetch_related("disaggregation"),
            report,
            lines,
            "indicator_values",
            "indicator",
        )
        stored = {
            value.indicator_id: value
            for value in report.indicator_values.filter(indicator__in=indicators.values()).prefetch_related(
                "cells"
            )
        }
        result, errors = [], {}
        for code, data in lines.items():
            indicator = indicators[code]
            old = stored.get(indicator.pk)
            split = bool(indicator.disaggregation.all())
            # The value of a split figure is the sum of its cells: sent back with
            # them, as GET gives it, it is ignored; sent alone, it is refused.
            if split and "value" in data and "cells" not in data:
                errors[code] = {"value": [_("This indicator is disaggregated: give its cells, not a value.")]}
                continue
            if not split and data.get("cells"):
                errors[code] = {"cells": [_("This indicator is not disaggregated: give its value.")]}
                continue
            line = IndicatorLine(
                indicator.pk,
                value=None if split else data.get("value", old.value if old else None),
                cells=({c.cell: c.value for c in old.cells.all()} if old and split else {})
                | data.get("cells", {}),
                note=data.get("note", old.note if old else ""),
                gap_reason=data.get("gap_reason", old.gap_reason if old else ""),
                corrective_action=data.get("corrective_action", old.corrective_action if old else ""),
            )
            if line.is_empty and any(data.get(name) for name in TEXT_FIELDS):
                # An empty line removes the figure: the note sent would vanish without a word.
                errors[code] = {"value": [_("Give a value with the note, or nothing is saved.")]}
                continue
            result.append(line)
        if errors:
            raise BadRequest({"indicator_values": errors})
        return result

    def activity_lines(self, report: QuarterlyReport, lines: dict) -> list[ActivityLine]:
        """A line per activity sent; what it leaves out keeps its stored value."""
        if not lines:
            return []
        activities = self.known(Activity.objects.all(), report, lines, "activity_updates", "activity")
        stored = {
            update.activity_id: update
            for update in report.activity_updates.filter(activity__in=activities.values())
        }
        result = []
        for code, data in lines.items():
            activity = activities[code]
            old = stored.get(activity.pk)
            result.append(
                ActivityLine(
                    activity.pk,
                    status=data.get("status", old.status if old else "") or "",
                    percent_complete=data.get("percent_complete", old.percent_complete if old else None),
                    note=data.get("note", old.note if old else ""),
                )
            )
        return result


STEPS = {
    "submit": lambda actor, report, comment: report_submit(actor=actor, report=report),
    "approve": lambda actor, report, comment: report_approve(actor=actor, report=report, comment=comment),
    "return": lambda actor, report, comment: report_return(actor=actor, report=report, comment=comment),
    "reopen": lambda actor, report, comment: report_reopen(actor=actor, report=report, reason=comment),
}


class ReportStepView(APIView):
    """POST: one workflow step (``step``: submit, approve, return or reopen).
    ``{"comment": ...}`` goes with approve (optional), return and reopen (required)."""

    step = ""

    def post(self, request, pk: int):
        report = report_for_request(request, pk)
        comment = validated(NoInput if self.step == "submit" else CommentInput, request).get("comment", "")
        run_service(lambda: STEPS[self.step](request.user, report, comment), report=report)
        return report_response(request, report)
