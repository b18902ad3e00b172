from tests.evaluations.conftest import flow, media  # noqa: F401
