"""Fixtures for the evaluation tests: a private media folder per test and the flow driver."""
from types import SimpleNamespace

import pytest

from apps.ieps.models import IEP

from .helpers import Flow


# Storage ------------------------------------------------------------------------------------

@pytest.fixture
def media(tmp_path, settings):
    """A fresh MEDIA_ROOT and upload temp folder for this test, inside a sandbox folder whose
    every other file we can list (nothing may land outside MEDIA_ROOT/evaluations/)."""
    sandbox = tmp_path / "sandbox"
    root = sandbox / "media"
    temp = sandbox / "upload-tmp"
    root.mkdir(parents=True)
    temp.mkdir()
    settings.MEDIA_ROOT = str(root)
    settings.FILE_UPLOAD_TEMP_DIR = str(temp)

    def files():
        return sorted(p.relative_to(sandbox).as_posix() for p in sandbox.rglob("*") if p.is_file())

    return SimpleNamespace(sandbox=sandbox, root=root, temp=temp, files=files)


@pytest.fixture
def flow(demo, api_as, media):
    assert demo.maya_iep.status == IEP.Status.PROPOSED
    return Flow(demo, api_as)
