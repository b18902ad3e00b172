"""Request body limits, in front of Django. Django's ASGI handler reads the whole body into a
spooled temporary file (memory, then disk) before any middleware or view runs, so a limit inside
Django comes too late: a 40 MB body to the sign-in endpoint would be on disk before the 413, and
a body announced larger than it is would hold a worker until the client gave up.

This ASGI middleware decides first:
- a body announced (Content-Length) larger than allowed is answered 413 at once, unread;
- every body is counted as it arrives, so a chunked one, or one longer than announced, is cut at
  the limit;
- a body that stops arriving for REQUEST_BODY_READ_TIMEOUT seconds is answered 408;
- the limit is REQUEST_BODY_MAX_BYTES, except for views marked with apps.core.request_body
  (the report upload), where a signed-in person the app allows gets that view's larger limit.
Answers are the API's error shape ({"error": {"code", "message", "fields"}})."""
import asyncio
import io
import json
import logging
from importlib import import_module

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.handlers.asgi import ASGIRequest
from django.db import close_old_connections
from django.urls import Resolver404, get_resolver
from django.utils import translation
from django.utils.translation import gettext as _

from apps.core.request_body import large_body_of

log = logging.getLogger(__name__)


class RequestBodyLimit:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = _headers(scope)
        try:
            announced = _content_length(headers)
        except ValueError:
            return await _refuse(scope, send, 400, "bad_request",
                                 lambda: _("The request's Content-Length is not a number."))
        has_body = announced is not None or "transfer-encoding" in headers
        limit = int(settings.REQUEST_BODY_MAX_BYTES)
        if has_body and (announced is None or announced > limit):
            limit = await self._allowance(scope) or limit
        if announced is not None and announced > limit:
            return await _refuse(scope, send, 413, "too_large", _too_large_message(limit))
        guard = _BodyGuard(scope, receive, send, limit)
        await self.app(scope, guard.receive, guard.send)

    async def _allowance(self, scope) -> int | None:
        """The larger limit of the view this request goes to, if it has one and the person
        sending is signed in and allowed to send it; None otherwise."""
        try:
            match = get_resolver().resolve(scope["path"].removeprefix(scope.get("root_path", "")) or "/")
        except Resolver404:
            return None
        marker = large_body_of(match.func)
        if marker is None or scope["method"] not in marker.methods:
            return None
        return await sync_to_async(_allowed_limit, thread_sensitive=True)(scope, match, marker)


def _allowed_limit(scope, match, marker) -> int | None:
    close_old_connections()  # as Django does before a request: a connection may have gone stale
    try:
        user = _user_of(scope, match.func)
        if user.is_authenticated and marker.may(user, **match.kwargs):
            return int(marker.max_bytes())
    except Exception:  # noqa: BLE001 - whatever fails here, the small limit stands
        log.exception("could not decide the body limit of %s", scope["path"])
    return None


def _user_of(scope, view):
    """Who sends the request, by the same machinery the view will use: the view's own DRF
    authenticators (tokens), else the session cookie. Read from the headers only."""
    from django.contrib.auth import get_user
    from django.contrib.auth.models import AnonymousUser

    request = ASGIRequest(scope, io.BytesIO())
    view_class = getattr(view, "cls", None)
    if view_class is not None:
        from rest_framework.authentication import SessionAuthentication
        from rest_framework.exceptions import APIException
        from rest_framework.request import Request

        drf_request = Request(request)
        for authenticator in view_class().get_authenticators():
            if isinstance(authenticator, SessionAuthentication):
                continue  # the session is read below, without its CSRF check (the view makes it)
            try:
                found = authenticator.authenticate(drf_request)
            except APIException:
                return AnonymousUser()
            if found is not None:
                return found[0]
    engine = import_module(settings.SESSION_ENGINE)
    request.session = engine.SessionStore(request.COOKIES.get(settings.SESSION_COOKIE_NAME))
    return get_user(request)


class _BodyGuard:
    """Wraps `receive` (counting the body, timing out a stalled one) and `send` (silent once
    this guard has answered in the application's place)."""

    def __init__(self, scope, receive, send, limit):
        self.scope, self._receive, self._send, self.limit = scope, receive, send, limit
        self.received = 0
        self.complete = False
        self.answered = False

    async def receive(self):
        if self.complete or self.answered:
            return await self._receive()  # after the body: Django listens for the disconnect
        try:
            message = await asyncio.wait_for(self._receive(), float(settings.REQUEST_BODY_READ_TIMEOUT))
        except TimeoutError:
            return await self._stop(408, "request_timeout",
                                    lambda: _("The request body stopped arriving. Try again on a steadier connection."))
        if message["type"] == "http.request":
            self.received += len(message.get("body", b""))
            if self.received > self.limit:
                return await self._stop(413, "too_large", _too_large_message(self.limit))
            self.complete = not message.get("more_body", False)
        return message

    async def _stop(self, status, code, message):
        """Answers in the application's place; the application is told the client went away, so
        Django stops reading (RequestAborted) and answers nothing itself."""
        self.answered = True
        await _refuse(self.scope, self._send, status, code, message)
        return {"type": "http.disconnect"}

    async def send(self, message):
        if not self.answered:
            await self._send(message)


def _headers(scope) -> dict[str, list[bytes]]:
    out: dict[str, list[bytes]] = {}
    for name, value in scope.get("headers", []):
        out.setdefault(name.decode("latin-1").lower(), []).append(value)
    return out


def _content_length(headers) -> int | None:
    values = headers.get("content-length")
    if not values:
        return None
    if len(set(values)) != 1 or not values[0].strip().isdigit():
        raise ValueError("Content-Length")
    return int(values[0])


def _too_large_message(limit: int):
    return lambda: _("This request is too large: at most %(size)s is accepted here.") % {"size": _size(limit)}


def _size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f} MB".replace(".0 MB", " MB")
    return f"{n // 1024} KB"


async def _refuse(scope, send, status: int, code: str, message) -> None:
    """Answers `status` with the error shape; `message()` makes the sentence in the language the
    request asks for (Django's LocaleMiddleware has not run: this is before Django)."""
    with translation.override(translation.get_language_from_request(ASGIRequest(scope, io.BytesIO()))):
        text = str(message())
    body = json.dumps({"error": {"code": code, "message": text, "fields": {}}}).encode()
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"),
        (b"cache-control", b"no-store"),
    ]})
    await send({"type": "http.response.body", "body": body})
