"""Development: the embedded default, everything on one machine.

DEBUG is off unless DJANGO_DEBUG=1: a newcomer running `make run` meets the product's own error
pages, never Django's technical ones (which show settings and URL patterns)."""
import os

from .base import *  # noqa: F401,F403
from .base import ALLOWED_HOSTS, VAR_DIR

DEBUG = os.environ.get("DJANGO_DEBUG", "") == "1"
# With DEBUG off nothing else serves static files in development: whitenoise finds them in place
# (no collectstatic needed).
WHITENOISE_USE_FINDERS = True
# ...and picks up an edited stylesheet without a restart (development only: it reads the disk per request).
WHITENOISE_AUTOREFRESH = True
ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "[::1]"]
(VAR_DIR / "staticfiles").mkdir(parents=True, exist_ok=True)
