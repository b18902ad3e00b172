from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from apps.core.api import InputSerializer
from apps.core.errors import ApplicationError



class TokenApi(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token"

    class TokenIn(InputSerializer):
        email = serializers.EmailField(max_length=254)
        password = serializers.CharField(max_length=256, trim_whitespace=False)

    class TokenOut(serializers.Serializer):
        token = serializers.CharField()

    @extend_schema(request=TokenIn, responses=TokenOut)
    def post(self, request):
        data = self.TokenIn(data=request.data)
        data.is_valid(raise_exception=True)
        user = authenticate(request, email=data.validated_data["email"].lower(), password=data.validated_data["password"])
        if user is None:
            # The same answer for a wrong password and an unknown address: no account probing.
            raise ApplicationError(_("The e-mail address or password is not right."), code="invalid_credentials")
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})
