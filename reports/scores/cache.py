"""Reads of stored scores kept until the plan's scores change."""

from django.core.cache import cache
from django.utils.translation import get_language

from plans.formatting import khmer_digits_shown
from plans.models import Plan, ScoreState

# How long a read of stored scores is kept; its key changes as soon as the
# scores do, so this only bounds memory, not freshness.
SCORES_CACHE_SECONDS = 600


def scores_cache_key(*, plan: Plan, parts: tuple) -> str | None:
    """The cache key of ``parts`` of the plan's scores, valid until they change
    (see scores_cached); None for a plan whose scores were never computed,
    which has nothing to keep."""
    try:
        state = plan.score_state
    except ScoreState.DoesNotExist:
        return None
    computed = state.computed_at.timestamp() if state.computed_at else 0
    # The language and the digits: kept HTML and charts hold text in both.
    shown = (get_language(), "km-digits" if khmer_digits_shown() else "digits")
    return ":".join(map(str, ("ntip-scores", plan.pk, state.version, computed, *shown, *parts)))


def scores_cached(*, plan: Plan, parts: tuple, read):
    """``read()``, kept until the plan's scores change.

    The key holds the plan's ScoreState version (raised by every approval,
    reopening and change of structure) and the time its scores were last
    computed, so a new approval or recompute is never hidden. Language is in
    the key too: names come in English or Khmer.
    """
    key = scores_cache_key(plan=plan, parts=parts)
    if key is None:
        return read()
    value = cache.get(key)
    if value is None:
        value = read()
        cache.set(key, value, SCORES_CACHE_SECONDS)
    return value
