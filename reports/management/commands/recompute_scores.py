import time

from django.core.management.base import BaseCommand, CommandError

from plans.models import Plan, ScoreState
from reports.scores.recompute import plan_scores_recompute


class Command(BaseCommand):
    help = "Recompute stale scores now, inline (with --all, every score)."

    def add_arguments(self, parser):
        parser.add_argument("--plan", metavar="CODE", help="only this plan")
        parser.add_argument("--all", action="store_true", help="recompute every score, stale or not")

    def handle(self, *args, plan=None, all=False, **options):
        plans = Plan.objects.order_by("code")
        if plan is not None:
            plans = plans.filter(code=plan)
            if not plans.exists():
                raise CommandError(f"No plan with code {plan}.")
        elif not all:
            plans = plans.filter(score_state__stale_from__isnull=False)
        for each in plans:
            started = time.perf_counter()
            result = plan_scores_recompute(plan_id=each.pk, everything=all)
            seconds = time.perf_counter() - started
            if result.busy:
                self.stdout.write(f"{each.code}: another worker is recomputing it; left alone")
            else:
                self.stdout.write(f"{each.code}: {result.snapshots} scores written in {seconds:.2f} s")
        stale = ScoreState.objects.filter(stale_from__isnull=False).count()
        self.stdout.write(f"Plans still stale: {stale}")
