"""Sign-in backend: Django's, loading the user's organisation with the user.

Every page shows the organisation in the menu; this saves a query on each.
"""

from django.contrib.auth.backends import ModelBackend

from plans.models import User


class UserWithOrganisationBackend(ModelBackend):
    def get_user(self, user_id):
        try:
            user = User._default_manager.select_related("organisation").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
