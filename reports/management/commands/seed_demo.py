"""Load the demo plan. The content and how it is written live in reports/demo/."""

import time

from django.core.management.base import BaseCommand, CommandError

from plans.models import ScoreState
from reports.demo.content import PLAN_CODE
from reports.demo.seed import SeedResult, demo_seed
from reports.models import ScoreSnapshot
from reports.scores.recompute import plan_scores_recompute


class Command(BaseCommand):
    help = (
        f"Load the demo plan {PLAN_CODE}: the NCCT institutions and provincial committees, the plan's "
        "pillars, objectives, indicators and activities, quarterly figures from 2024-Q1 and one user "
        "per role. Safe to run again: only what is missing is added."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            type=int,
            default=1,
            metavar="N",
            help=f"build a separate benchmark plan ({PLAN_CODE}-xN) about N times as large",
        )
        parser.add_argument(
            "--reset-passwords",
            action="store_true",
            help="give the demo users new passwords (otherwise existing ones are kept)",
        )

    def handle(self, *args, scale: int, reset_passwords: bool, **options):
        if scale < 1:
            raise CommandError("--scale must be 1 or more.")
        started = time.perf_counter()
        result = demo_seed(scale=scale, reset_passwords=reset_passwords)
        self.print_plan(result)
        self.compute_scores(result)
        self.print_logins(result)
        self.stdout.write(f"Done in {time.perf_counter() - started:.1f} s.")

    def print_plan(self, result: SeedResult) -> None:
        self.stdout.write(f"Plan {result.plan.code}: {result.plan.name}")
        for label, count in result.totals.items():
            self.stdout.write(f"  {label:<24} {count:>8}")
        states = ", ".join(f"{state} {count}" for state, count in result.reports_by_state.items())
        self.stdout.write(f"  reports by state: {states}")
        if result.added:
            added = ", ".join(f"{label.replace('_', ' ')} {count}" for label, count in result.added.items())
            self.stdout.write(f"Added: {added}.")
        else:
            self.stdout.write("Nothing to add: the demo data was already complete.")

    def compute_scores(self, result: SeedResult) -> None:
        """Score the plan now, inline, so that its dashboards have figures at
        once; a rerun that added nothing leaves the stored scores alone."""
        plan = result.plan
        stale = ScoreState.objects.filter(plan=plan, stale_from__isnull=False).exists()
        if result.added or stale or not ScoreSnapshot.objects.filter(plan=plan).exists():
            started = time.perf_counter()
            written = plan_scores_recompute(plan_id=plan.pk, everything=True).snapshots
            self.stdout.write(f"Scores: {written} computed in {time.perf_counter() - started:.1f} s.")

    def print_logins(self, result: SeedResult) -> None:
        self.stdout.write("")
        self.stdout.write("Demo users (sign in at /accounts/login/):")
        self.stdout.write(f"  {'role':<22} {'username':<10} {'organisation':<12} password")
        for login in result.logins:
            password = login.password or "(unchanged)"
            self.stdout.write(f"  {login.role:<22} {login.username:<10} {login.organisation:<12} {password}")
        if any(login.password is None for login in result.logins):
            self.stdout.write(
                "Existing passwords were kept; run with --reset-passwords to set and print new ones."
            )
