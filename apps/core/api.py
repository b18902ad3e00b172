"""Small helpers shared by the API modules."""
from rest_framework import serializers
from rest_framework.settings import api_settings
from rest_framework.throttling import UserRateThrottle

from .bounds import InputSerializer, query_params  # noqa: F401 - the API modules' one import


class WriteThrottle(UserRateThrottle):
    """Writes per person; reads are not throttled."""

    scope = "writes"

    def allow_request(self, request, view):
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return True
        # A method the route does not have writes nothing: it is answered 405, and spends none of
        # the person's writes (DRF checks throttles before it looks for the handler).
        if not hasattr(view, request.method.lower()):
            return True
        return super().allow_request(request, view)


class TextField(serializers.CharField):
    """Free text, and only text: DRF's CharField would take the JSON number 5 as the title "5";
    a number or an object where text belongs is a client's mistake, answered 400."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


def paginate(view, request, queryset, serializer_class, *, on_page=None, **kwargs):
    """`on_page(rows)` sees the rows of the page answered (the access record names their children)."""
    paginator = api_settings.DEFAULT_PAGINATION_CLASS()
    page = paginator.paginate_queryset(queryset, request, view=view)
    if on_page is not None:
        on_page(page)
    return paginator.get_paginated_response(serializer_class(page, many=True, **kwargs).data)


def paginate_rows(view, request, queryset, to_row, *, on_page=None):
    """`paginate` for a hot list whose rows are built as plain dicts by `to_row(obj)` (the same JSON
    as its serializer, which stays the schema's description of it)."""
    paginator = api_settings.DEFAULT_PAGINATION_CLASS()
    page = paginator.paginate_queryset(queryset, request, view=view)
    if on_page is not None:
        on_page(page)
    return paginator.get_paginated_response([to_row(obj) for obj in page])
