"""Writing the demo plan (content.py) into the database, creating only what is
missing (by code), so that a second run changes nothing.

``scale`` > 1 builds a separate benchmark plan with N copies of every
objective, indicator and activity, each copy reported by its own copies of the
reporting organisations: about N times the rows, for load tests.
"""

import datetime
import secrets
import string
import zoneinfo
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from indicators.models import (
    Category,
    Dimension,
    Indicator,
    Target,
    TargetRevision,
    contributors_errors,
    target_errors,
)
from plans.models import Organisation, OrganisationKind, Plan, Role, User, normalise_text
from plans.publication import period_publish_errors
from plans.services import audit_record, plan_save, user_save
from reports.demo.content import (
    ACTIVITIES,
    DEMO_USERS,
    DIMENSIONS,
    FIRST_YEAR,
    INDICATORS,
    LAST_APPROVED,
    LAST_YEAR,
    MID_TERM_REVIEW,
    MID_TERM_REVIEWED_AT,
    OBJECTIVES,
    ORGANISATIONS,
    PILLARS,
    PLAN_CODE,
    PLAN_NAME,
    PLAN_NAME_KM,
    TARGET_REVISIONS,
    OrganisationRow,
)
from reports.demo.figures import figures_ensure, plan_totals, reports_by_state
from reports.demo.tree import BATCH, DemoTree, SeededActivity, SeededIndicator
from strategies.models import Activity, Objective, Pillar


@dataclass
class DemoLogin:
    role: str
    username: str
    organisation: str
    password: str | None  # None: an existing password was kept


@dataclass
class SeedResult:
    plan: Plan
    added: dict[str, int]  # what this run added, by kind of row
    totals: dict[str, int]
    reports_by_state: dict[str, int]
    logins: list[DemoLogin]


def plan_code_for_scale(scale: int) -> str:
    """The demo plan stays the demo plan; a benchmark plan gets a code of its own."""
    return PLAN_CODE if scale == 1 else f"{PLAN_CODE}-x{scale}"


def copy_code(code: str, copy: int) -> str:
    """Codes in benchmark copy ``copy``: the first copy keeps the demo's codes."""
    return code if copy == 1 else f"{code}-R{copy}"


def reporting_codes() -> list[str]:
    """Organisations that report: the leads and contributors of indicators and the
    leads of activities. Benchmark copies repeat these."""
    codes = {row.lead for row in INDICATORS} | {row.lead for row in ACTIVITIES}
    codes |= {code for row in INDICATORS for code in row.contributors}
    return sorted(codes)


def demo_seed(*, scale: int = 1, reset_passwords: bool = False) -> SeedResult:
    """Load the demo plan (or, with ``scale`` > 1, a benchmark plan N times as large).

    Creates only what is missing, by code, so running it again changes nothing.
    """
    if scale < 1:
        raise ValueError("The scale must be 1 or more.")
    created: Counter = Counter()
    with transaction.atomic():
        organisations = organisations_ensure(scale=scale, created=created)
        users, logins = demo_users_ensure(
            organisations=organisations, reset_passwords=reset_passwords, created=created
        )
        plan = plan_ensure(scale=scale, created=created)
        dimensions_ensure(created=created)
        tree = plan_tree_ensure(plan=plan, organisations=organisations, scale=scale, created=created)
        khmer_names_fill(plan=plan, scale=scale, created=created)
        figures_ensure(plan=plan, tree=tree, users=users, created=created)
        target_revisions_ensure(tree=tree, admin=users[Role.SECRETARIAT_ADMIN], created=created)
        publications_ensure(plan=plan, reviewer=users[Role.SECRETARIAT_REVIEWER], created=created)
        added = {label: count for label, count in created.items() if count}
        # A run that adds nothing leaves no trace, not even in the audit trail.
        if added:
            audit_record(
                actor=None,
                action="demo.seed",
                target=plan,
                plan=plan,
                details={"scale": scale, "added": added},
            )
    return SeedResult(
        plan=plan,
        added=added,
        totals=plan_totals(plan),
        reports_by_state=reports_by_state(plan),
        logins=logins,
    )


def organisation_rows(scale: int) -> list[OrganisationRow]:
    rows = list(ORGANISATIONS)
    by_code = {row.code: row for row in ORGANISATIONS}
    for copy in range(2, scale + 1):
        for code in reporting_codes():
            base = by_code[code]
            # Provincial-style committees, so the benchmark's extra reporters
            # do not pass for real ministries in lists of organisations.
            rows.append(
                OrganisationRow(
                    copy_code(code, copy),
                    OrganisationKind.PROVINCIAL_COMMITTEE,
                    f"{base.name} (benchmark copy {copy})",
                    f"{base.name_km} (ច្បាប់ចម្លងសម្រាប់តេស្តសមត្ថភាព {copy})" if base.name_km else "",
                )
            )
    return rows


def organisations_ensure(*, scale: int, created: Counter) -> dict[str, Organisation]:
    rows = organisation_rows(scale)
    existing = {o.code: o for o in Organisation.objects.filter(code__in=[row.code for row in rows])}
    missing = [
        Organisation(
            code=row.code, kind=row.kind, name=normalise_text(row.name), name_km=normalise_text(row.name_km)
        )
        for row in rows
        if row.code not in existing
    ]
    Organisation.objects.bulk_create(missing, batch_size=BATCH)
    created["organisations"] += len(missing)
    existing.update({o.code: o for o in missing})
    return existing


def new_password() -> str:
    # No 0/O or 1/l/I: these are read off a terminal and typed in.
    alphabet = "".join(c for c in string.ascii_letters + string.digits if c not in "0O1lI")
    return "".join(secrets.choice(alphabet) for _ in range(14))


def demo_users_ensure(
    *, organisations: dict[str, Organisation], reset_passwords: bool, created: Counter
) -> tuple[dict[str, User], list[DemoLogin]]:
    """One user per role. A new user gets a random password, printed once; an
    existing one keeps theirs unless ``reset_passwords``."""
    users, logins = {}, []
    existing = {u.username: u for u in User.objects.filter(username__in=[u for _, u, _ in DEMO_USERS])}
    for role, username, org_code in DEMO_USERS:
        organisation = organisations[org_code]
        user = existing.get(username)
        password = None
        if user is None or reset_passwords or not user.has_usable_password():
            password = new_password()
        if password or user.role != role or user.organisation_id != organisation.pk:
            user, was_created = user_save(
                actor=None,
                username=username,
                role=role,
                organisation=organisation,
                password=password,
                email=f"{username}@example.org",
            )
            created["users" if was_created else "users_updated"] += 1
        users[role] = user
        logins.append(DemoLogin(role, username, org_code, password))
    return users, logins


def plan_names(scale: int) -> tuple[str, str]:
    """The plan's English and Khmer names: a benchmark plan says it is one, in both."""
    if scale == 1:
        return PLAN_NAME, PLAN_NAME_KM
    return (
        f"{PLAN_NAME} (benchmark, {scale}× the demo plan)",
        f"{PLAN_NAME_KM} (តេស្តសមត្ថភាព {scale}× នៃផែនការគំរូ)",
    )


def plan_ensure(*, scale: int, created: Counter) -> Plan:
    code = plan_code_for_scale(scale)
    plan = Plan.objects.filter(code=code).first()
    if plan is not None:
        return plan
    name, name_km = plan_names(scale)
    plan = Plan(
        code=code,
        name=name,
        name_km=normalise_text(name_km),
        start_year=FIRST_YEAR,
        end_year=LAST_YEAR,
        is_public=scale == 1,
    )
    created["plans"] += 1
    # plan_save validates, lays out the 20 quarters and records the audit event.
    return plan_save(actor=None, plan=plan)


def dimensions_ensure(*, created: Counter) -> dict[str, Dimension]:
    dimensions = {}
    for code, (name, name_km, categories) in DIMENSIONS.items():
        dimension, was_created = Dimension.objects.get_or_create(
            code=code, defaults={"name": name, "name_km": normalise_text(name_km)}
        )
        created["dimensions"] += was_created
        for position, (cat_code, cat_name, cat_km) in enumerate(categories):
            _, was_created = Category.objects.get_or_create(
                dimension=dimension,
                code=cat_code,
                defaults={"name": cat_name, "name_km": normalise_text(cat_km), "position": position},
            )
            created["categories"] += was_created
        dimensions[code] = dimension
    return dimensions


def khmer_names_fill(*, plan: Plan, scale: int, created: Counter) -> None:
    """A database seeded before the demo had all its Khmer names gets them on
    the next run: a demo row whose Khmer name is empty gets the demo's (one
    that someone wrote stays), and so does an indicator's Khmer unit. Rows are
    looked up by code, as the seed adds them."""
    copies = range(1, scale + 1)
    organisations = {row.code: row.name_km for row in organisation_rows(scale)}
    nodes = {
        Pillar: {code: km for code, _, km in PILLARS},
        Objective: {copy_code(code, c): km for c in copies for code, _, km in OBJECTIVES},
        Indicator: {copy_code(row.code, c): row.name_km for c in copies for row in INDICATORS},
        Activity: {copy_code(row.code, c): row.name_km for c in copies for row in ACTIVITIES},
    }
    dimensions = {code: km for code, (_, km, _) in DIMENSIONS.items()}
    categories = {(dim, code): km for dim, (_, _, cats) in DIMENSIONS.items() for code, _, km in cats}
    fills = [
        (Organisation.objects.all(), lambda o: organisations.get(o.code)),
        (Dimension.objects.all(), lambda d: dimensions.get(d.code)),
        (Category.objects.select_related("dimension"), lambda c: categories.get((c.dimension.code, c.code))),
        (Plan.objects.filter(pk=plan.pk), lambda p: plan_names(scale)[1]),
        *(
            (model.objects.filter(plan=plan), lambda n, names=names: names.get(n.code))
            for model, names in nodes.items()
        ),
    ]
    for queryset, khmer_name in fills:
        filled = []
        for obj in queryset.filter(name_km=""):
            name_km = khmer_name(obj)
            if name_km:
                obj.name_km = normalise_text(name_km)
                filled.append(obj)
        queryset.model.objects.bulk_update(filled, ["name_km"], batch_size=BATCH)
        created["khmer_names"] += len(filled)
    units = {copy_code(row.code, c): row.unit_km for c in copies for row in INDICATORS}
    filled = []
    for indicator in Indicator.objects.filter(plan=plan, unit_km=""):
        if units.get(indicator.code):
            indicator.unit_km = normalise_text(units[indicator.code])
            filled.append(indicator)
    Indicator.objects.bulk_update(filled, ["unit_km"], batch_size=BATCH)
    created["khmer_units"] += len(filled)


def copy_organisation(code: str, copy: int, reporters: set[str]) -> str:
    """In a benchmark copy, reporting organisations are replaced by their copies;
    partners and the secretariat stay themselves."""
    return copy_code(code, copy) if code in reporters else code


def _model_clean(obj) -> None:
    """The model's own rules (clean() and field checks), without a database query
    per foreign key: the seed has just looked those rows up itself."""
    relations = [f.name for f in obj._meta.concrete_fields if f.is_relation]
    obj.full_clean(exclude=relations, validate_unique=False, validate_constraints=False)


def _create_missing(model, plan: Plan, wanted: list, created: Counter, label: str) -> dict:
    existing = {obj.code: obj for obj in model.objects.filter(plan=plan)}
    missing = [obj for obj in wanted if obj.code not in existing]
    for obj in missing:
        _model_clean(obj)
    model.objects.bulk_create(missing, batch_size=BATCH)
    created[label] += len(missing)
    existing.update({obj.code: obj for obj in missing})
    return existing


def _link_missing(through, left: str, right: str, pairs: set, plan: Plan, created: Counter, label: str):
    """Add the many-to-many rows (e.g. indicator → contributor) that are not there yet."""
    existing = set(through.objects.filter(**{f"{left}__plan": plan}).values_list(f"{left}_id", f"{right}_id"))
    missing = sorted(pairs - existing)
    through.objects.bulk_create(
        [through(**{f"{left}_id": a, f"{right}_id": b}) for a, b in missing], batch_size=BATCH
    )
    created[label] += len(missing)


def plan_tree_ensure(
    *, plan: Plan, organisations: dict[str, Organisation], scale: int, created: Counter
) -> DemoTree:
    periods = list(plan.periods.order_by("index"))
    tree = DemoTree(periods=periods, organisations=organisations)
    pillars = _create_missing(
        Pillar,
        plan,
        [
            Pillar(plan=plan, code=code, name=name, name_km=name_km, position=i)
            for i, (code, name, name_km) in enumerate(PILLARS, start=1)
        ],
        created,
        "pillars",
    )
    objectives = _create_missing(
        Objective,
        plan,
        [
            Objective(
                plan=plan,
                pillar=pillars["P" + code[1]],
                code=copy_code(code, copy),
                name=name,
                name_km=name_km,
                position=(copy - 1) * len(OBJECTIVES) + i,
            )
            for copy in range(1, scale + 1)
            for i, (code, name, name_km) in enumerate(OBJECTIVES, start=1)
        ],
        created,
        "objectives",
    )
    _indicators_ensure(plan, tree, objectives, scale, created)
    _activities_ensure(plan, tree, objectives, scale, created)
    return tree


def _indicators_ensure(plan, tree: DemoTree, objectives: dict, scale: int, created: Counter) -> None:
    reporters = set(reporting_codes())
    orgs = tree.organisations
    wanted = []
    for copy in range(1, scale + 1):
        for i, row in enumerate(INDICATORS, start=1):
            lead = copy_organisation(row.lead, copy, reporters)
            contributors = tuple(copy_organisation(c, copy, reporters) for c in row.contributors)
            # The many-to-many rows escape full_clean(); the figures rely on this rule.
            assert not contributors_errors(row.aggregation, contributors), row.code
            obj = Indicator(
                plan=plan,
                objective=objectives[copy_code(row.objective, copy)],
                code=copy_code(row.code, copy),
                name=row.name,
                name_km=row.name_km,
                measure=row.measure,
                aggregation=row.aggregation,
                direction=row.direction,
                frequency=row.frequency,
                unit=row.unit,
                unit_km=row.unit_km,
                counts_people=row.counts_people,
                baseline=Decimal(row.baseline),
                baseline_year=FIRST_YEAR - 1,
                lead=orgs[lead],
                position=(copy - 1) * len(INDICATORS) + i,
            )
            wanted.append(obj)
            tree.indicators.append(SeededIndicator(obj, row, lead, contributors))
    saved = _create_missing(Indicator, plan, wanted, created, "indicators")
    for seeded in tree.indicators:
        seeded.indicator = saved[seeded.indicator.code]

    targets_wanted = []
    for seeded in tree.indicators:
        for year in plan.years:
            value = Decimal(seeded.row.target(year))
            assert not target_errors(seeded.indicator, year, value), (seeded.row.code, year)
            targets_wanted.append((seeded.indicator.pk, year, value))
    have = set(Target.objects.filter(indicator__plan=plan).values_list("indicator_id", "year"))
    missing = [Target(indicator_id=i, year=y, value=v) for i, y, v in targets_wanted if (i, y) not in have]
    Target.objects.bulk_create(missing, batch_size=BATCH)
    created["targets"] += len(missing)

    contributor_pairs = {(s.indicator.pk, orgs[c].pk) for s in tree.indicators for c in s.contributors}
    _link_missing(
        Indicator.contributors.through,
        "indicator",
        "organisation",
        contributor_pairs,
        plan,
        created,
        "indicator_contributors",
    )
    dimensions = {d.code: d.pk for d in Dimension.objects.filter(code__in=DIMENSIONS)}
    dimension_pairs = {(s.indicator.pk, dimensions[d]) for s in tree.indicators for d in s.row.by}
    _link_missing(
        Indicator.disaggregation.through,
        "indicator",
        "dimension",
        dimension_pairs,
        plan,
        created,
        "indicator_dimensions",
    )


def target_revisions_ensure(*, tree: DemoTree, admin: User, created: Counter) -> None:
    """The demo's mid-term review, in every copy of the plan: the revisions
    missing are added; the original targets stay as they are."""
    revisions = {code: (values, rationale) for code, values, rationale in TARGET_REVISIONS}
    targets = {
        (t.indicator_id, t.year): t
        for t in Target.objects.filter(
            indicator__in=[s.indicator for s in tree.indicators if s.row.code in revisions]
        )
    }
    have = set(
        TargetRevision.objects.filter(target__in=list(targets.values()), review=MID_TERM_REVIEW).values_list(
            "target_id", flat=True
        )
    )
    missing = []
    for seeded in tree.indicators:
        if seeded.row.code not in revisions:
            continue
        values, rationale = revisions[seeded.row.code]
        for year, value in values.items():
            target = targets[(seeded.indicator.pk, year)]
            assert not target_errors(seeded.indicator, year, Decimal(value)), (seeded.row.code, year)
            if target.pk not in have:
                missing.append(
                    TargetRevision(
                        target=target,
                        value=Decimal(value),
                        review=MID_TERM_REVIEW,
                        rationale=rationale,
                        revised_at=MID_TERM_REVIEWED_AT,
                        revised_by=admin,
                    )
                )
    TargetRevision.objects.bulk_create(missing, batch_size=BATCH)
    created["target_revisions"] += len(missing)


def _activities_ensure(plan, tree: DemoTree, objectives: dict, scale: int, created: Counter) -> None:
    reporters = set(reporting_codes())
    orgs = tree.organisations
    periods = {p.code: p for p in tree.periods}
    wanted, supporting = [], []
    for copy in range(1, scale + 1):
        for i, row in enumerate(ACTIVITIES, start=1):
            lead = copy_organisation(row.lead, copy, reporters)
            obj = Activity(
                plan=plan,
                objective=objectives[copy_code(row.objective, copy)],
                code=copy_code(row.code, copy),
                name=row.name,
                name_km=row.name_km,
                lead=orgs[lead],
                start_period=periods[row.start],
                end_period=periods[row.end],
                budget_usd=Decimal(row.budget_usd),
                position=(copy - 1) * len(ACTIVITIES) + i,
            )
            wanted.append(obj)
            tree.activities.append(SeededActivity(obj, row, lead))
            supporting.append([copy_organisation(c, copy, reporters) for c in row.supporting])
    saved = _create_missing(Activity, plan, wanted, created, "activities")
    for seeded in tree.activities:
        seeded.activity = saved[seeded.activity.code]
    pairs = {
        (seeded.activity.pk, orgs[code].pk)
        for seeded, codes in zip(tree.activities, supporting, strict=True)
        for code in codes
    }
    _link_missing(
        Activity.supporting.through, "activity", "organisation", pairs, plan, created, "activity_supporters"
    )


CAPITAL_TIME = zoneinfo.ZoneInfo("Asia/Phnom_Penh")
# The secretariat published each quarter two weeks after its report deadline.
PUBLISHED_AFTER_DEADLINE = datetime.timedelta(days=14)
PUBLISHED_AT = datetime.time(10, 0)


def publications_ensure(*, plan: Plan, reviewer: User, created: Counter) -> None:
    """Publish every quarter up to the last fully approved one (LAST_APPROVED),
    in order, each checked by the publication rule as of the day it was
    published; the open quarter after it stays open. Quarters published before
    the mid-term review say "revised since publication": the review's revised
    targets changed their scores."""
    last = plan.periods.get(code=LAST_APPROVED)
    for period in plan.periods.filter(index__lte=last.index, published_at__isnull=True).order_by("index"):
        day = period.deadline + PUBLISHED_AFTER_DEADLINE
        errors = period_publish_errors(period, today=day)
        if errors:
            raise ValueError(f"The demo cannot publish {period.code}: {errors}")
        period.published_at = datetime.datetime.combine(day, PUBLISHED_AT, tzinfo=CAPITAL_TIME)
        period.published_by = reviewer
        period.revised_at = MID_TERM_REVIEWED_AT if period.published_at < MID_TERM_REVIEWED_AT else None
        period.save(update_fields=["published_at", "published_by", "revised_at"])
        created["published periods"] += 1
