"""Pages share the API's rule: what a person may not know exists is a 404, what they may see
but not do is a 403. Services and selectors raise ApplicationError; here pages turn it into
Django's own 404/403 handling (the API has its exception handler)."""
import logging

from django.core.exceptions import PermissionDenied
from django.http import Http404

from .errors import Forbidden, NotFound
from .security import security_event


class ApplicationErrorPages:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, (NotFound, Forbidden)):
            security_event("access.refused", request=request, level=logging.WARNING,
                           status=exception.status_code, code=exception.code)
        if isinstance(exception, NotFound):
            raise Http404(exception.message) from exception
        if isinstance(exception, Forbidden):
            raise PermissionDenied(exception.message) from exception
        return None
