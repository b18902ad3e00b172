"""Throttles by client address, for the API and for pages: one counter rule (DRF's), one address
rule (apps.accounts.addresses)."""
from rest_framework.throttling import SimpleRateThrottle

from apps.core.addresses import client_address


class AddressRateThrottle(SimpleRateThrottle):
    """Requests per client address for one scope. Works with a DRF request or a plain Django
    HttpRequest, so the sign-in and password-reset pages share the API's counting."""

    def __init__(self, scope: str):
        self.scope = scope
        super().__init__()

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": client_address(request)}


class TokenThrottle(AddressRateThrottle):
    """The token endpoint's per-address limit (API_TOKEN_RATE)."""

    def __init__(self):
        super().__init__("token")


def page_allows(request, scope: str) -> tuple[bool, int]:
    """(allowed, seconds to wait) for a page's POST in this scope."""
    throttle = AddressRateThrottle(scope)
    if throttle.allow_request(request, None):
        return True, 0
    return False, int(throttle.wait() or 1)
