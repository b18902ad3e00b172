"""One application error, and one place that turns every API failure into the contract's shape:
{"error": {"code", "message", "fields"}}."""
import logging

from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response


class ApplicationError(Exception):
    """A business rule said no. Services raise it; the API and pages show it to the person."""

    status_code = status.HTTP_400_BAD_REQUEST
    code = "invalid"

    def __init__(self, message, *, code=None, status_code=None, fields=None):
        super().__init__(message)
        self.message = str(message)
        if code:
            self.code = code
        if status_code:
            self.status_code = status_code
        self.fields = fields or {}


class NotFound(ApplicationError):
    status_code = status.HTTP_404_NOT_FOUND
    code = "not_found"

    def __init__(self, message=None, **kwargs):
        # One wording for everything a person may not know exists, in their language.
        super().__init__(message or _("Not found."), **kwargs)


class Forbidden(ApplicationError):
    status_code = status.HTTP_403_FORBIDDEN
    code = "permission_denied"


class Conflict(ApplicationError):
    status_code = status.HTTP_409_CONFLICT
    code = "conflict"


def error_body(code, message, fields=None):
    return {"error": {"code": code, "message": str(message), "fields": fields or {}}}


def _flatten_fields(detail):
    """DRF's nested error detail becomes {field: [messages]} (nested keys joined with dots)."""
    if isinstance(detail, dict):
        out = {}
        for key, value in detail.items():
            if isinstance(value, dict):
                for sub, msgs in _flatten_fields(value).items():
                    out[f"{key}.{sub}"] = msgs
            elif isinstance(value, list) and value and isinstance(value[0], dict):
                for i, item in enumerate(value):
                    for sub, msgs in _flatten_fields(item).items():
                        out[f"{key}.{i}.{sub}"] = msgs
            else:
                out[key] = [str(m) for m in (value if isinstance(value, list) else [value])]
        return out
    if isinstance(detail, list):
        return {"non_field_errors": [str(m) for m in detail]}
    return {"non_field_errors": [str(detail)]}


def _log_refusal(exc, context):
    """A refused read or write of a record (403, or 404 for what one may not know exists) is a
    security event: who, where, which code; never the record."""
    if isinstance(exc, Http404):
        status_code = 404
    elif isinstance(exc, PermissionDenied):
        status_code = 403
    else:
        status_code = getattr(exc, "status_code", None)
    if status_code in (403, 404):
        from .security import security_event

        request = context.get("request")
        security_event("access.refused", request=request, level=logging.WARNING, status=status_code,
                       code=getattr(exc, "code", None) or type(exc).__name__)


def api_exception_handler(exc, context):
    headers = {}
    _log_refusal(exc, context)
    if isinstance(exc, ApplicationError):
        return Response(error_body(exc.code, exc.message, exc.fields), status=exc.status_code)
    if isinstance(exc, Http404):
        return Response(error_body("not_found", _("Not found.")), status=404)
    if isinstance(exc, PermissionDenied):
        return Response(error_body("permission_denied", _("You may not do that.")), status=403)
    if isinstance(exc, RequestDataTooBig):
        return Response(error_body("too_large", _("The request is too large.")), status=413)
    if isinstance(exc, DjangoValidationError):
        fields = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        return Response(error_body("invalid", _("The data is not valid."), fields), status=400)
    if isinstance(exc, exceptions.ValidationError):
        return Response(
            error_body("invalid", _("Some fields are not valid."), _flatten_fields(exc.detail)), status=400
        )
    if isinstance(exc, exceptions.APIException):
        if isinstance(exc, (exceptions.NotAuthenticated, exceptions.AuthenticationFailed)):
            auth_header = context["view"].get_authenticate_header(context["request"])
            if auth_header:
                headers["WWW-Authenticate"] = auth_header
            else:
                exc.status_code = 403
        if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
            headers["Retry-After"] = str(int(exc.wait))
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else exc.default_code
        detail = exc.detail if isinstance(exc.detail, str) else _flatten_fields(exc.detail)
        message = detail if isinstance(detail, str) else str(exc.default_detail)
        fields = {} if isinstance(detail, str) else detail
        # A bound's refusal (apps.core.bounds) keeps its own code; any other unreadable body is one.
        if isinstance(exc, exceptions.ParseError) and code == exceptions.ParseError.default_code:
            code, message = "malformed_request", _("The request body could not be read: %(e)s") % {"e": exc.detail}
        return Response(error_body(code, message, fields), status=exc.status_code, headers=headers)
    return None
