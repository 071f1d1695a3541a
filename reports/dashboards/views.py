"""Dashboard pages. Thin: find what the user may see (plans/access.py), ask the
selectors for rows, turn them into figure specs (reports/charts.py), render.
Every page reads stored scores; none recomputes a plan."""

from dataclasses import replace
from functools import wraps
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from indicators.access import review_comments_audience
from plans.access import (
    organisations_for_user,
    plan_get_for_user_or_404,
    plans_for_user,
    user_can_revise_targets,
    user_sees_small_counts,
)
from reports.as_of import PeriodNotShown, dashboard_period
from reports.completeness import period_completeness

# Four pages share their view's name: their reads are called through the module.
from reports.dashboards import charts, people_counts
from reports.dashboards import justice_chain as chain_read
from reports.dashboards import organisations as health_read
from reports.dashboards import plan_overview as overview_read
from reports.dashboards import public_summary as public_read
from reports.dashboards.indicator import BASIS_ORIGINAL, BASIS_REVISED, indicator_dashboard
from reports.dashboards.objective import objective_dashboard
from reports.dashboards.pillar import pillar_dashboard
from reports.dashboards.scorecard import organisation_scorecard
from reports.privacy import SUPPRESSION_THRESHOLD
from reports.publication import period_publication
from reports.scores.cache import SCORES_CACHE_SECONDS, scores_cache_key, scores_cached

# The overview lists this many indicators that need attention, worst first;
# "show all" lists every one.
ATTENTION_SHOWN = 15
# The indicator page lists this many approved values with their history, newest
# first; "show all" lists every one (an indicator every province reports on has
# hundreds).
VALUES_SHOWN = 30


class NothingPublished(Exception):
    """The reader may see no period of the plan yet (a partner, the public,
    before the first publication)."""

    def __init__(self, plan):
        self.plan = plan


def dashboard_page(view):
    """A dashboard page that says "no figures published yet" where the reader
    may see no period of the plan, rather than a page of empty scores."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except NothingPublished as nothing:
            context = {"nav": "dashboards", "plan": nothing.plan}
            return render(request, "reports/dashboards/nothing_published.html", context)

    return wrapped


def as_of_context(request, plan, *, reader=None) -> dict:
    """The "as of" period (``?period=``), the periods to choose from, the
    period's publication and when the scores were computed: what every
    dashboard page shows at its top. A period the reader may not see (after
    the current quarter, or not published for a partner) is a 404.
    ``reader`` is whose view to show (the public page: anyone's)."""
    try:
        chosen = dashboard_period(
            plan=plan,
            user=reader or request.user,
            code=request.GET.get("period"),
            today=timezone.localdate(),
        )
    except PeriodNotShown as refusal:
        raise Http404(str(refusal)) from None
    if chosen.period is None:
        raise NothingPublished(plan)
    return {
        "nav": "dashboards",
        "plan": plan,
        "period": chosen.period,
        "periods": chosen.periods,
        "publication": period_publication(plan=plan, period=chosen.period),
        "computed_at": chosen.computed_at,
        "scores_stale": chosen.stale,
        "keep_params": [],
        # What a hidden count of people shows (docs/privacy.md).
        "threshold": SUPPRESSION_THRESHOLD,
    }


def _kept(parts: tuple, read, **kwargs):
    """``read(**kwargs)`` of stored scores and approved figures, kept until the
    plan's scores change (reports.scores.cache.scores_cached)."""
    return scores_cached(
        plan=kwargs["plan"], parts=(*parts, kwargs["period"].pk), read=lambda: read(**kwargs)
    )


def _page(read, *args, **kwargs):
    """The page a selector reads for a code in the URL; an unknown code is a 404."""
    try:
        return read(*args, **kwargs)
    except ObjectDoesNotExist:
        raise Http404 from None


def _kept_html(plan, parts: tuple) -> dict:
    """What a template's ``{% cache kept_seconds name kept_key %}`` needs to keep
    HTML drawn only from stored scores until they change: their key, or None and
    no keeping for a plan whose scores were never computed."""
    key = scores_cache_key(plan=plan, parts=parts)
    return {"kept_key": key, "kept_seconds": SCORES_CACHE_SECONDS if key else 0}


def chart_block(chart_id: str, title: str, figure: dict, summary: str) -> dict:
    return {"id": chart_id, "title": title, "figure": figure, "summary": summary}


def progress_chart(chart_id: str, title: str, rows) -> dict:
    """Bars of progress against expected, one per row."""
    return chart_block(chart_id, title, charts.progress_bars_figure(rows), charts.progress_bars_summary(rows))


@require_GET
def index(request):
    """The plans whose dashboards the user may open."""
    plans = plans_for_user(request.user).order_by("-start_year", "code")
    return render(request, "reports/dashboards/index.html", {"nav": "dashboards", "plans": plans})


@require_GET
@dashboard_page
def plan_overview(request, plan_code: str):
    plan = plan_get_for_user_or_404(request.user, plan_code)
    context = as_of_context(request, plan)
    period = context["period"]
    everything = request.GET.get("attention") == "all"
    overview = scores_cached(
        plan=plan,
        parts=("overview", period.pk, everything),
        read=lambda: overview_read.plan_overview(
            plan=plan,
            period=period,
            periods=context["periods"],
            attention_limit=None if everything else ATTENTION_SHOWN,
        ),
    )
    exact = user_sees_small_counts(request.user)
    if not exact:
        overview = people_counts.protected_overview(overview)
    completeness, _organisations = period_completeness(plan=plan, period=period)
    counts = overview.plan.counts or {}
    context.update(
        overview=overview,
        completeness=completeness,
        counts=[(status, counts.get(status, 0)) for status in charts.STATUS_ORDER],
        # The sections drawn only from stored scores (plan.html).
        **_kept_html(plan, ("overview-html", plan.code, period.pk, everything, exact)),
        # The charts of stored scores as callables, which the template calls:
        # built only when their section is rendered, not when it is kept.
        charts={
            "overall": lambda: chart_block(
                "chart-overall",
                _("Overall progress against expected"),
                charts.overall_figure(overview.plan),
                charts.overall_summary(overview.plan),
            ),
            "pillars": lambda: progress_chart("chart-pillars", _("Progress by pillar"), overview.pillars),
            "trend_plan": lambda: chart_block(
                "chart-trend-plan",
                _("Trend by quarter: the plan"),
                charts.trend_figure(overview.trend_periods, overview.trend[:1]),
                charts.trend_summary(overview.trend_periods, overview.trend[:1]),
            ),
            "trend_pillars": lambda: chart_block(
                "chart-trend-pillars",
                _("Trend by quarter: pillars"),
                charts.trend_figure(overview.trend_periods, overview.trend[1:]),
                charts.trend_summary(overview.trend_periods, overview.trend[1:]),
            ),
            "statuses": lambda: chart_block(
                "chart-statuses",
                _("Indicators and activities by status"),
                charts.status_counts_figure(counts),
                charts.status_counts_summary(counts),
            ),
            "completeness": chart_block(
                "chart-completeness",
                _("Reports for the period"),
                charts.completeness_figure(completeness),
                charts.completeness_summary(completeness),
            ),
        },
    )
    return render(request, "reports/dashboards/plan.html", context)


@require_GET
@dashboard_page
def pillar(request, plan_code: str, code: str):
    plan = plan_get_for_user_or_404(request.user, plan_code)
    context = as_of_context(request, plan)
    page = _page(_kept, ("pillar", code), pillar_dashboard, plan=plan, code=code, period=context["period"])
    context.update(
        page=page,
        chart=progress_chart("chart-objectives", _("Objectives: progress against expected"), page.objectives),
    )
    return render(request, "reports/dashboards/pillar.html", context)


@require_GET
@dashboard_page
def objective(request, plan_code: str, code: str):
    plan = plan_get_for_user_or_404(request.user, plan_code)
    context = as_of_context(request, plan)
    page = _page(
        _kept,
        ("objective", code),
        objective_dashboard,
        plan=plan,
        code=code,
        period=context["period"],
    )
    if not user_sees_small_counts(request.user):
        page = replace(page, indicators=people_counts.protected_scores(page.indicators, False))
    leaves = page.indicators + [a for a in page.activities if not a.cancelled]
    context.update(
        page=page,
        chart=progress_chart(
            "chart-leaves", _("Indicators and activities: progress against expected"), leaves
        ),
    )
    return render(request, "reports/dashboards/objective.html", context)


@require_GET
@dashboard_page
def indicator(request, plan_code: str, code: str):
    plan = plan_get_for_user_or_404(request.user, plan_code)
    context = as_of_context(request, plan)
    period = context["period"]
    # Review comments on the page depend on who reads it: the secretariat, or
    # one organisation; the page's reads are kept per reader of that kind.
    reader = review_comments_audience(request.user)
    # Progress against the revised targets (the stored scores) or the original ones.
    basis = BASIS_ORIGINAL if request.GET.get("targets") == BASIS_ORIGINAL else BASIS_REVISED
    every_value = request.GET.get("values") == "all"
    page = _page(
        lambda: scores_cached(
            plan=plan,
            parts=("indicator", code, period.pk, reader, basis, every_value),
            read=lambda: indicator_dashboard(
                plan=plan,
                code=code,
                period=period,
                user=request.user,
                basis=basis,
                values_limit=None if every_value else VALUES_SHOWN,
            ),
        )
    )
    # Small counts of people hidden, totals rounded, for partners (docs/privacy.md).
    exact = user_sees_small_counts(request.user)
    if not exact:
        page = people_counts.protected_indicator_page(page)
    baseline, unit = float(page.indicator.baseline), page.indicator.display_unit
    can_revise = user_can_revise_targets(request.user)
    context.update(
        page=page,
        people_protected=page.indicator.counts_people and not exact,
        values_more=page.values_total - len(page.values),
        revised=any(t.revised for t in page.targets),
        can_revise_targets=can_revise,
        keep_params=[("targets", page.basis)] if page.basis == BASIS_ORIGINAL else [],
        # The page is drawn from the reads above and who may revise targets only.
        **_kept_html(
            plan, ("indicator-html", code, period.pk, reader, basis, every_value, can_revise, exact)
        ),
        # Callables, which the template calls: built only when the page is not kept.
        charts={
            "trend": lambda: chart_block(
                "chart-indicator",
                _("Actual, expected and target by quarter"),
                charts.indicator_figure(page.points, baseline=baseline, unit=unit),
                charts.indicator_summary(page.points, baseline=baseline, unit=unit),
            ),
            "organisations": lambda: chart_block(
                "chart-organisations",
                _("Approved values by organisation"),
                charts.organisation_values_figure(page.value_periods, page.by_organisation),
                charts.organisation_values_summary(page.value_periods, page.by_organisation),
            ),
        },
        category_charts=lambda: [
            (
                breakdown,
                chart_block(
                    f"chart-dimension-{breakdown.code}",
                    breakdown.name,
                    charts.category_figure(breakdown),
                    charts.category_summary(breakdown),
                ),
            )
            for breakdown in page.by_category
        ],
    )
    return render(request, "reports/dashboards/indicator.html", context)


@require_GET
@dashboard_page
def organisation(request, plan_code: str, org_code: str):
    plan = plan_get_for_user_or_404(request.user, plan_code)
    context = as_of_context(request, plan)
    try:
        organisation = organisations_for_user(request.user).get(code=org_code)
    except ObjectDoesNotExist:
        raise Http404 from None
    card = organisation_scorecard(
        plan=plan, organisation=organisation, period=context["period"], today=timezone.localdate()
    )
    if not user_sees_small_counts(request.user):
        card = replace(card, indicators=people_counts.protected_scores(card.indicators, False))
    context.update(
        card=card,
        counts=[(status, card.counts.get(status, 0)) for status in charts.STATUS_ORDER],
        chart=chart_block(
            "chart-org-statuses",
            _("Indicators and activities by status"),
            charts.status_counts_figure(card.counts),
            charts.status_counts_summary(card.counts),
        ),
    )
    return render(request, "reports/dashboards/organisation.html", context)


@require_GET
@dashboard_page
def organisations(request, plan_code: str):
    """Every organisation owing reports in the plan, side by side: its reports
    over the last four quarters up to the period and its leaves at the period
    (reports/dashboards/organisations.py), sorted by ``?sort=``."""
    plan = plan_get_for_user_or_404(request.user, plan_code)
    context = as_of_context(request, plan)
    period = context["period"]
    health = health_read.reporting_health(
        plan=plan,
        period=period,
        window=health_read.reporting_window(context["periods"], period),
        sort=request.GET.get("sort"),
    )
    links = {
        column: {**link, "url": "?" + urlencode({"period": period.code, "sort": link["sort"]})}
        for column, link in health_read.sort_links(health.sort).items()
    }
    context.update(
        nav="organisations",
        health=health,
        sort_links=links,
        # Choosing another period keeps the order.
        keep_params=[("sort", health.sort)] if health.sort != health_read.DEFAULT_SORT else [],
    )
    return render(request, "reports/dashboards/organisations.html", context)


@require_GET
@dashboard_page
def justice_chain(request, plan_code: str):
    plan = plan_get_for_user_or_404(request.user, plan_code)
    context = as_of_context(request, plan)
    # Partners see counts of people rounded (docs/privacy.md): kept apart.
    protect = not user_sees_small_counts(request.user)
    tables = _kept(
        ("justice-chain", protect),
        chain_read.justice_chain,
        plan=plan,
        period=context["period"],
        protect=protect,
    )
    context.update(
        tables=[
            (
                table,
                chart_block(
                    f"chart-chain-{table.chain.key}",
                    _("%(chain)s, per year") % {"chain": table.chain.title},
                    charts.justice_chain_figure(table),
                    charts.justice_chain_summary(table),
                ),
            )
            for table in tables
        ],
        has_warnings=any(y.warnings for table in tables for y in table.years),
        people_protected=protect,
    )
    return render(request, "reports/dashboards/justice_chain.html", context)


@login_not_required
@require_GET
@dashboard_page
def public_summary(request, plan_code: str):
    """A public plan's summary, for anyone: what the public may see, whoever
    asks (a signed-in user gets the same page, and a 404 for a plan that is not public)."""
    anyone = AnonymousUser()
    plan = plan_get_for_user_or_404(anyone, plan_code)
    context = as_of_context(request, plan, reader=anyone)
    summary = public_read.public_summary(plan=plan, period=context["period"])
    context.update(
        summary=summary,
        threshold=SUPPRESSION_THRESHOLD,
        chart=progress_chart("chart-public-pillars", _("Progress by pillar"), summary.pillars),
    )
    return render(request, "reports/dashboards/public.html", context)
