"""The API's token check: django-rest-knox's, one query per request."""
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from knox.auth import TokenAuthentication


class ApiTokenAuthentication(TokenAuthentication):
    def _cleanup_token(self, auth_token) -> bool:
        # knox also reads (and sweeps) all the person's other tokens on every request: a second
        # query on every API call. Only this token's expiry matters here; the others' are swept
        # when the person makes a token (apps.accounts.services.token_create).
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            auth_token.delete()
            return True
        return False


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """How the schema describes it: `Authorization: Token <token>`, as DRF's tokens were."""

    target_class = ApiTokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": "Authorization",
                "description": 'Token-based authentication with required prefix "Token"'}
