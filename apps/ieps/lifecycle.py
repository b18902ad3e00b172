"""The IEP's lifecycle, announced to whoever must follow it (deadlines, for one).

ieps asks nobody above it (DESIGN.md, Layers): a higher app registers a listener from its
AppConfig.ready(), and the IEP services announce each step inside their own transaction, so a
listener's writes commit or roll back with the change that caused them."""
from collections.abc import Callable

CREATED = "created"
DATES_CHANGED = "dates_changed"
PROPOSED = "proposed"
RETURNED_TO_DRAFT = "returned_to_draft"
ACTIVATED = "activated"
SUPERSEDED = "superseded"

EVENTS = (CREATED, DATES_CHANGED, PROPOSED, RETURNED_TO_DRAFT, ACTIVATED, SUPERSEDED)

_listeners: list[Callable] = []


def register(listener: Callable) -> None:
    """listener(event, iep, actor). Registering twice is harmless."""
    if listener not in _listeners:
        _listeners.append(listener)


def announce(event: str, iep, actor=None) -> None:
    assert event in EVENTS, event
    for listener in list(_listeners):
        listener(event, iep, actor)
