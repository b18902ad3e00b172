"""Development: the embedded default, debug on, everything on one machine."""
from .base import *  # noqa: F401,F403
from .base import ALLOWED_HOSTS, VAR_DIR

DEBUG = True
ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "[::1]"]
(VAR_DIR / "staticfiles").mkdir(parents=True, exist_ok=True)
