"""Showing a service's refusal on a page's form."""
from .errors import ApplicationError, Forbidden, NotFound


def apply_service_error(form, error: ApplicationError) -> None:
    """Puts the refusal next to the fields it names, or above the form when it names none."""
    named = {name: problems for name, problems in error.fields.items() if name in form.fields}
    for name, problems in named.items():
        for problem in problems:
            form.add_error(name, problem)
    if not named:
        form.add_error(None, error.message)


class FormRefusal:
    """`with FormRefusal() as refusal:` around a service write on a page. A refusal the page should
    show (bad input, a state conflict) is kept in `refusal.error`; what the person may not see or
    do (NotFound, Forbidden) passes through to the 404/403 pages."""

    error: ApplicationError | None = None

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None or not issubclass(exc_type, ApplicationError):
            return False
        if issubclass(exc_type, (NotFound, Forbidden)):
            return False
        self.error = exc
        return True


def form_done(request, url: str, message: str):
    """After a page form's write: the message, then the page at `url`. A plain post is redirected;
    an HTMX post is told to load that page (HX-Redirect), so every part of it shows the change."""
    from urllib.parse import urlsplit

    from django.contrib import messages
    from django.http import HttpResponse
    from django.shortcuts import redirect

    messages.success(request, message)
    htmx = getattr(request, "htmx", None)
    if htmx:
        # HTMX sets location.href: a URL that differs from the page only by its #fragment would
        # scroll, not load, and the page would not show the change. Same page: load it afresh.
        path, _hash, _fragment = url.partition("#")
        current = urlsplit(htmx.current_url or "")
        response = HttpResponse()
        response["HX-Redirect"] = path if current.path == urlsplit(path).path else url
        return response
    return redirect(url)


class GetAndPostOnly:
    """For a form page's class view: GET shows it, POST submits it, anything else is 405 before
    the view does anything (Django's form views take PUT as a POST, and the sign-in view redirects
    someone signed in whatever the method). Function views say the same with
    `require_http_methods(["GET", "POST"])`."""

    http_method_names = ["get", "post", "head", "options"]

    def dispatch(self, request, *args, **kwargs):
        if request.method.lower() not in self.http_method_names:
            return self.http_method_not_allowed(request, *args, **kwargs)
        return super().dispatch(request, *args, **kwargs)
