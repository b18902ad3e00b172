"""The embedded default's worker and web processes share one SQLite file: writes never fail
while the worker delivers e-mail, and a task that finds the database locked past its timeout
tries again later instead of failing for good."""
import sqlite3
import time

import pytest

from .conftest import start_worker, stop
from .test_transitions import Case, Evaluation, codes


def _wait_for(check, seconds, what):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.3)
    raise AssertionError(f"{what} within {seconds} s")


def _workers(deployment):
    return [p for p, log in deployment.processes if "worker" in log.name and p.poll() is None]


def _unsent(deployment):
    return deployment.scalar("SELECT COUNT(*) FROM notifications_notification WHERE emailed_at IS NULL")


def test_writes_go_on_while_the_worker_delivers_email(deployment):
    case = Case(deployment)
    recs = [case.recommendation() for _ in range(4)]
    requests_at_once = deployment.at_once(*[
        (lambda rec, server: lambda: deployment.client("parent.leo", server).call(
            "post", f"/api/v1/ieps/{case.ids['leo_iep']}/evaluation-requests/", {"recommendations": [rec]}))(rec, i % 2)
        for i, rec in enumerate(recs)])
    comments_at_once = deployment.at_once(*[
        (lambda rec, server: lambda: deployment.client("teacher.leo", server).call(
            "post", f"/api/v1/recommendations/{rec}/comments/", {"body": "Noted."}))(rec, i % 2)
        for i, rec in enumerate(recs)])
    assert codes(requests_at_once) == [201] * 4 and codes(comments_at_once) == [201] * 4
    # Each request told the district's administrator, by e-mail through the worker.
    _wait_for(lambda: _unsent(deployment) == 0, 60, "the worker did not send every e-mail")


@pytest.mark.parametrize("deployment", ["sqlite"], indirect=True)
def test_the_email_task_retries_while_the_database_is_locked_and_sends_once(deployment):
    case = Case(deployment)
    for worker in _workers(deployment):
        stop(deployment, worker)
    evaluation = Evaluation(case).to("requested")  # its e-mail to the administrator waits in the queue
    link = f"#evaluation-{evaluation.id}"
    held = sqlite3.connect(deployment.env["_SQLITE_FILE"], isolation_level=None)
    held.execute("BEGIN IMMEDIATE")  # another writer holds the database longer than the worker waits
    patient = start_worker(deployment, "worker-retrying", SQLITE_BUSY_TIMEOUT="1")
    try:
        log = deployment.folder / "worker-retrying.log"
        _wait_for(lambda: "Retry in" in log.read_text(errors="replace"), 60, "the task did not retry")
        held.execute("ROLLBACK")
        _wait_for(lambda: deployment.scalar(
            "SELECT COUNT(*) FROM notifications_notification WHERE url LIKE %s AND emailed_at IS NULL",
            f"%{link}") == 0, 60, "the retried task did not send the e-mail")
        # The e-mail (one Message-ID per notification, apps/notifications/email.py) went out once.
        note = deployment.scalar("SELECT id FROM notifications_notification WHERE url LIKE %s", f"%{link}")
        assert log.read_text(errors="replace").count(f"Message-ID: <notification.{note}@") == 1
    finally:
        held.close()
        stop(deployment, patient)
        start_worker(deployment)
