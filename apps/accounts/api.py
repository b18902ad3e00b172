"""The API's sign-in: tokens (django-rest-knox, hashed at rest), the owner's list of them, and
"sign out everywhere"."""
from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_logged_in
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api import InputSerializer
from apps.core.errors import ApplicationError
from apps.core.security import security_event

from . import mfa, services
from .lockout import locked_out_message
from .selectors import tokens_of
from .throttles import TokenThrottle


class TokenApi(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [TokenThrottle]

    class TokenIn(InputSerializer):
        email = serializers.EmailField(max_length=254)
        password = serializers.CharField(max_length=256, trim_whitespace=False)
        name = serializers.CharField(max_length=100, required=False, allow_blank=True,
                                     help_text="Where the token is used, to tell it apart in the list.")
        otp = serializers.CharField(max_length=32, required=False, allow_blank=True,
                                    help_text="For people with multi-factor sign-in: the authenticator's code "
                                              "or a recovery code.")

    class TokenOut(serializers.Serializer):
        token = serializers.CharField()

    @extend_schema(request=TokenIn, responses=TokenOut)
    def post(self, request):
        data = self.TokenIn(data=request.data)
        data.is_valid(raise_exception=True)
        # The Django request: django-axes marks a lockout on it, and its middleware reads it there.
        django_request = request._request
        user = authenticate(django_request, username=data.validated_data["email"].lower(),
                            password=data.validated_data["password"])
        if getattr(django_request, "axes_locked_out", False):
            raise ApplicationError(locked_out_message(), code="locked_out", status_code=429)
        if user is None:
            # The same answer for a wrong password and an unknown address: no account probing.
            raise ApplicationError(_("The e-mail address or password is not right."), code="invalid_credentials")
        self._second_step(user, data.validated_data.get("otp", ""), django_request)
        # As a web sign-in does: django-axes starts the failure count again, the log says "sign_in".
        user_logged_in.send(sender=user.__class__, request=django_request, user=user)
        _token, plain = services.token_create(user=user, name=data.validated_data.get("name", ""),
                                              request=django_request)
        return Response({"token": plain})


    @staticmethod
    def _second_step(user, code, request):
        """People who use (or must use) multi-factor sign-in send its code as `otp`."""
        if not mfa.second_step_due(user):
            return
        if not mfa.has_mfa(user):
            raise ApplicationError(_("Your account must use multi-factor sign-in: set it up by signing in on the "
                                     "web first."), code="mfa_enrolment_required", status_code=403)
        if not code:
            raise ApplicationError(_("This account uses multi-factor sign-in: send the code as `otp`."),
                                   code="mfa_required", fields={"otp": [_("This field is required.")]})
        if not mfa.code_matches(user, code):
            security_event("mfa.failed", request=request, user=user)
            raise ApplicationError(_("That code is not right, or it was used already."), code="invalid_otp",
                                   fields={"otp": [_("That code is not right, or it was used already.")]})
        security_event("mfa.verified", request=request, user=user)


class ApiTokenListItem(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    created = serializers.DateTimeField()
    expiry = serializers.DateTimeField(allow_null=True)
    prefix = serializers.CharField(source="token_key", help_text="The token's first characters, to recognise it.")
    current = serializers.SerializerMethodField()

    def get_current(self, token) -> bool:
        return getattr(self.context["request"].auth, "pk", None) == token.pk


class MyTokensApi(APIView):
    @extend_schema(responses=ApiTokenListItem(many=True))
    def get(self, request):
        return Response(ApiTokenListItem(tokens_of(request.user), many=True, context={"request": request}).data)


class MyTokenApi(APIView):
    @extend_schema(responses={204: None})
    def delete(self, request, token_id: int):
        services.token_revoke(actor=request.user, token_id=token_id, request=request._request)
        return Response(status=204)


class SignOutEverywhereApi(APIView):
    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        services.sign_out_everywhere(actor=request.user, request=request._request)
        return Response(status=204)
