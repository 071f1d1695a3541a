"""What the signed-in user may do, for the menu and the links of every page.

Templates ask ``can.review`` rather than testing roles themselves, so the rule
stays in plans/access.py.
"""

from plans.access import user_can_read_audit, user_can_review, user_fills_in_reports, user_is_admin


class UserCan:
    """Evaluated when a template asks: a page that shows no menu pays nothing."""

    def __init__(self, user):
        self.user = user

    @property
    def fill_in_reports(self) -> bool:
        return user_fills_in_reports(self.user)

    @property
    def review(self) -> bool:
        return user_can_review(self.user)

    @property
    def read_audit(self) -> bool:
        return user_can_read_audit(self.user)

    @property
    def administer(self) -> bool:
        return user_is_admin(self.user)

    @property
    def see_own_scorecard(self) -> bool:
        """A focal point's organisation reports; the secretariat's and a
        partner's do not, and their scorecard would be empty."""
        return user_fills_in_reports(self.user) and not user_is_admin(self.user)


def access(request) -> dict:
    return {"can": UserCan(request.user)}
