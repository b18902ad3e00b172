"""How large a request body a view takes. Every body is capped at REQUEST_BODY_MAX_BYTES before
Django reads it (iepteam/body_limit.py, in front of the ASGI application); a view that needs
more (a file upload) says so here, with who may send it, and the larger limit is granted only to
a request that is signed in and allowed: anyone else is refused before the body is read."""
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class LargeBody:
    """`max_bytes()` is the limit; `may(user, **url_kwargs)` says whether this person may send
    it to this URL (the app's own policy, answered from its selectors)."""

    max_bytes: Callable[[], int]
    may: Callable[..., bool]
    methods: frozenset = field(default_factory=lambda: frozenset({"POST"}))


def takes_large_body(*, max_bytes: Callable[[], int], may: Callable[..., bool], methods=("POST",)):
    """Marks a function view (outermost decorator) or returns the marker for a class view's
    `large_body` attribute."""
    marker = LargeBody(max_bytes=max_bytes, may=may, methods=frozenset(methods))

    def mark(view):
        view.large_body = marker
        return view

    return mark


def large_body_of(view) -> LargeBody | None:
    """The marker of a resolved view: on the function, or on the class of a class-based view."""
    for holder in (view, getattr(view, "view_class", None), getattr(view, "cls", None)):
        marker = getattr(holder, "large_body", None)
        if isinstance(marker, LargeBody):
            return marker
    return None
