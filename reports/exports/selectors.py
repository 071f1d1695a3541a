"""Reads of the long exports: a user's own, newest first ("My exports")."""

from django.db.models import QuerySet
from django.http import Http404

from reports.models import Export


def exports_of_user(user) -> QuerySet[Export]:
    """Each user sees their own exports only: a file holds what its owner may see."""
    if not (user.is_authenticated and user.is_active):
        return Export.objects.none()
    return Export.objects.filter(user=user).select_related("plan").order_by("-created_at", "-id")


def export_get_of_user_or_404(user, pk: int) -> Export:
    try:
        return exports_of_user(user).get(pk=pk)
    except Export.DoesNotExist:
        raise Http404 from None
