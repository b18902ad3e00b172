"""Fixtures for the IEP tests."""
import pytest

from tests.evaluations.helpers import Flow


@pytest.fixture
def flow(demo, api_as, tmp_path, settings):
    """An evaluation of Maya's OT service and OT goal (Flow.disputed), walked to where a test needs
    it: `flow.to("attested")` gives the independent evaluator a scoped membership."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return Flow(demo, api_as)
