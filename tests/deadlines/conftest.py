"""The evaluation flow driver, for the deadlines that follow it."""
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.evaluations.conftest import flow, media  # noqa: F401

NEW_YORK = ZoneInfo("America/New_York")


def local(*args) -> datetime:
    return datetime(*args, tzinfo=NEW_YORK)


@pytest.fixture
def ids():
    def as_ids(rows):
        return {r["id"] if isinstance(r, dict) else r.id for r in rows}

    return as_ids
