"""The API's sign-in, /api/v1/auth/token/ (docs/api.md, "Tokens").

``POST {username, password}`` gives the user's token and when it expires;
``DELETE`` (with the token, or a signed-in session) revokes it, 204. The POST is
throttled per client address (API_TOKEN_THROTTLE) and guarded by django-axes's
lockout, as the login page is.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from plans.api_schema import errors
from plans.auth_lockout import lockout_response
from plans.tokens import REVOKED_BY_OWNER, token_expires_at, token_issue, token_revoke


class TokenEndpointThrottle(AnonRateThrottle):
    """Requests for a token per client address, whoever they name."""

    scope = "auth-token"

    def get_rate(self):
        return settings.API_TOKEN_THROTTLE

    def get_cache_key(self, request, view):
        # By address even when a session is signed in: one account must not try
        # other accounts' passwords unthrottled.
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def allow_request(self, request, view):
        # SimpleRateThrottle parses the rate once, when it is made: per request here.
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)


class TokenRequestSerializer(AuthTokenSerializer):
    """DRF's, with a username no longer than a user's can be: a longer one is a
    400 on its field before anything reads it (django-axes would try to record
    the failed attempt in a 255-character column, a 500 on PostgreSQL)."""

    username = serializers.CharField(
        label=_("Username"),
        write_only=True,
        max_length=get_user_model()._meta.get_field("username").max_length,
    )


TokenAnswer = inline_serializer(
    "Token", fields={"token": serializers.CharField(), "expires": serializers.DateTimeField()}
)


class TokenView(APIView):
    def get_permissions(self):
        if self.request.method == "POST":
            return [AllowAny()]
        return [IsAuthenticated()]

    def get_throttles(self):
        if self.request.method == "POST":
            return [TokenEndpointThrottle()]
        return []

    @extend_schema(
        request=TokenRequestSerializer,
        responses={200: TokenAnswer, **errors(400, 429)},
        auth=[],
        description="Your token for a username and password, and when it expires (docs/api.md, Tokens).",
    )
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data, context={"request": request})
        if not serializer.is_valid():
            # axes marks the request when this attempt reached, or was made
            # during, a lockout: the password was not even checked.
            if getattr(request, "axes_locked_out", False):
                return lockout_response(request)
            return Response(serializer.errors, status=status.HTTP_400_BAD_REQUEST)
        token = token_issue(user=serializer.validated_data["user"])
        return Response({"token": token.key, "expires": token_expires_at(token)})

    @extend_schema(
        responses={204: OpenApiResponse(description="Revoked."), **errors(401)},
        description="Revoke your token (send it, or use a signed-in session).",
    )
    def delete(self, request):
        token = (
            request.auth
            if isinstance(request.auth, Token)
            else Token.objects.filter(user=request.user).first()
        )
        if token is not None:
            token_revoke(actor=request.user, token=token, reason=REVOKED_BY_OWNER)
        return Response(status=status.HTTP_204_NO_CONTENT)
