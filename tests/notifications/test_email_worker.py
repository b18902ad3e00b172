"""Notification e-mail goes through a real Celery worker on the configured broker
(Redis in CI, the file-system broker locally) and is sent exactly once."""
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils.translation import gettext_lazy

from apps.notifications.models import Notification
from apps.notifications.services import notify
from iepteam.celery import app as celery_app

ROOT = Path(settings.BASE_DIR)


def database_url():
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def worker(tmp_path, transactional_db):
    """A real worker process, on the test database, writing e-mail to files."""
    mail_dir = tmp_path / "mail"
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="iepteam.settings.test", DATABASE_URL=database_url(),
               EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend", EMAIL_FILE_PATH=str(mail_dir))
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "iepteam", "worker", "--pool", "solo", "--loglevel", "WARNING",
         "-Q", "celery", "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    celery_app.conf.task_always_eager = False
    yield mail_dir
    celery_app.conf.task_always_eager = True
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()


def wait_for(check, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.2)
    return False


@pytest.mark.django_db(transaction=True)
def test_a_notification_is_emailed_once_by_the_worker(worker):
    from apps.accounts.models import User

    person = User.objects.create_user("parent@example.org", "pw-123456789", full_name="Pat Parent")
    [row] = notify([person], "mention", gettext_lazy("You were mentioned"), gettext_lazy("Have a look."), url="/ieps/1/")

    assert wait_for(lambda: Notification.objects.get(id=row.id).emailed_at is not None), "the worker sent nothing"
    files = list(worker.iterdir())
    assert len(files) == 1
    message = files[0].read_text()
    # The link goes through /notifications/<id>/open/, which marks it read and opens /ieps/1/.
    assert "To: parent@example.org" in message and "You were mentioned" in message
    assert f"/notifications/{row.id}/open/" in message

    from apps.notifications.tasks import deliver_email

    deliver_email.delay(row.id)  # a duplicate delivery changes nothing
    # The solo worker takes tasks in order: once a later notification's e-mail is out, the
    # duplicate has been handled. Waiting for that, not for a guessed time, bounds the wait.
    other = User.objects.create_user("teacher@example.org", "pw-123456789", full_name="Tess Teacher")
    [later] = notify([other], "mention", gettext_lazy("You were mentioned too"), gettext_lazy("Have a look."), url="/ieps/1/")
    assert wait_for(lambda: Notification.objects.get(id=later.id).emailed_at is not None), "the worker stopped"
    messages = sorted(path.read_text() for path in worker.iterdir())
    assert len(messages) == 2, "the duplicate delivery sent a second e-mail"
    assert sum("To: parent@example.org" in m for m in messages) == 1
