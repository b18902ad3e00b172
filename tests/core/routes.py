"""Every route of the URL configuration, with the HTTP methods its view answers: what the
authorization matrix enumerates, so that a route nobody wrote a row for cannot go unnoticed."""
import inspect
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

# Methods that say nothing about authorization: HEAD answers as GET, OPTIONS describes the route.
IGNORED_METHODS = {"HEAD", "OPTIONS", "TRACE"}
# A function view that does not restrict its methods answers these.
UNRESTRICTED = ("GET", "POST")


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name", or the pattern for a route without a name
    pattern: str  # "/api/v1/students/<int:student_id>/"
    methods: tuple
    callback: object

    @property
    def is_api(self):
        return self.pattern.startswith("/api/")


def _methods_of(callback):
    view_class = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    if view_class is not None:  # DRF APIView or Django class-based view
        names = {m.upper() for m in view_class.http_method_names if hasattr(view_class, m)}
        return tuple(sorted(names - IGNORED_METHODS))
    # A function view: Django's require_http_methods (require_GET, require_POST...) keeps the
    # list it allows in its closure; follow the decorators down to it.
    func = callback
    while func is not None:
        allowed = inspect.getclosurevars(func).nonlocals.get("request_method_list") if callable(func) else None
        if allowed:
            return tuple(sorted(set(m.upper() for m in allowed) - IGNORED_METHODS))
        func = getattr(func, "__wrapped__", None)
    return UNRESTRICTED


def _walk(patterns, prefix="", namespace=""):
    for entry in patterns:
        pattern = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}{entry.namespace}:"
            yield from _walk(entry.url_patterns, pattern, inner)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}{entry.name}" if entry.name else f"{namespace}/{pattern}"
            yield Route(name=name, pattern="/" + pattern, methods=_methods_of(entry.callback), callback=entry.callback)


def all_routes():
    return list(_walk(get_resolver().url_patterns))
