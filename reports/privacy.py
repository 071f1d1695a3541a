"""Protecting survivors: small counts of victims are never shown to the
public (docs/dashboards.md, "Protecting survivors").
"""

# Counts of victims below this are shown to the public as "<5" (docs/dashboards.md,
# "Protecting survivors"). The one place the threshold is set.
SUPPRESSION_THRESHOLD = 5


def suppress_small(value, threshold: int = SUPPRESSION_THRESHOLD):
    """A count of victims as the public may see it: ``"<5"`` when below the
    threshold (0 included: "none" is as telling as "one" in a small province),
    else the count unchanged. ``None`` (no figure) stays ``None``."""
    if value is None:
        return None
    if value < threshold:
        return f"<{threshold}"
    return value
