"""The sweep on real Celery workers on the configured broker (Redis in CI), against the test
database: exactly once in the app and by e-mail, two sweeps at once, a worker killed mid-sweep."""
import os
import signal
import subprocess
import sys
from datetime import date, timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from apps.deadlines.models import Kind, Reminder
from apps.deadlines.services import deadline_open
from apps.notifications.models import Notification
from iepteam.celery import app as celery_app
from tests.notifications.test_email_worker import ROOT, database_url, wait_for

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def workers(tmp_path, transactional_demo):
    """Starts real worker processes on demand; every one is stopped at the end."""
    import redis

    # This run's own Redis database (REDIS_URL): no task of an earlier test is left in the queue.
    redis.Redis.from_url(settings.REDIS_URL).flushdb()
    mail_dir = tmp_path / "mail"
    started = []

    def start(*, beat=False, **env_extra):
        env = dict(os.environ, DJANGO_SETTINGS_MODULE="iepteam.settings.test", DATABASE_URL=database_url(),
                   EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend", EMAIL_FILE_PATH=str(mail_dir),
                   **{k: str(v) for k, v in env_extra.items()})
        args = [sys.executable, "-m", "celery", "-A", "iepteam", "worker", "--pool", "solo", "--loglevel", "WARNING",
                "-Q", "celery", "--without-gossip", "--without-mingle", "--without-heartbeat",
                "--prefetch-multiplier", "1", "-n", f"w{len(started)}@%h"]
        if beat:
            args += ["-B", "-s", str(tmp_path / f"beat-{len(started)}")]
        process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        started.append(process)
        return process

    celery_app.conf.task_always_eager = False
    start.mail_dir = mail_dir
    start.demo = transactional_demo
    Reminder.objects.all().delete()  # the demo's own reminders stay out of these counts
    yield start
    celery_app.conf.task_always_eager = True
    for process in started:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


def emails_sent(mail_dir) -> list[str]:
    if not mail_dir.exists():
        return []
    messages = []
    for path in mail_dir.iterdir():
        messages += [m for m in path.read_text().split("\n" + "-" * 79 + "\n") if m.strip()]
    return messages


def message_ids(messages) -> list[str]:
    return [line.split(":", 1)[1].strip() for m in messages for line in m.splitlines()
            if line.lower().startswith("message-id:")]


def due_reminders(demo, count: int) -> list[Reminder]:
    """count reminders to Maya's mother whose moment has come (one deadline, one a date)."""
    deadline = deadline_open(kind=Kind.OTHER, student=demo.maya, subject="Sign the consent form",
                             due_on=date(2099, 1, 1), owners=[demo.parent_maya])
    Reminder.objects.filter(deadline=deadline).delete()
    past = timezone.now() - timedelta(minutes=5)
    return Reminder.objects.bulk_create([
        Reminder(deadline=deadline, user=demo.parent_maya, kind="before", on_date=date(2098, 1, 1) + timedelta(days=i),
                 at=past) for i in range(count)])


def sent_count() -> int:
    return Reminder.objects.filter(sent_at__isnull=False).count()


def test_a_reminder_that_becomes_due_is_delivered_once_in_the_app_and_by_email(workers):
    demo = workers.demo
    deadline = deadline_open(kind=Kind.MEETING, student=demo.maya, subject="IEP meeting at Oak Street",
                             due_on=date(2099, 1, 1), owners=[demo.parent_maya])
    Reminder.objects.filter(deadline=deadline).delete()
    soon = Reminder.objects.create(deadline=deadline, user=demo.parent_maya, kind="before", on_date=date(2098, 12, 31),
                                   at=timezone.now() + timedelta(seconds=3))
    later = Reminder.objects.create(deadline=deadline, user=demo.parent_maya, kind="before",
                                    on_date=date(2098, 12, 25), at=timezone.now() + timedelta(seconds=8))
    workers(beat=True, DEADLINE_SWEEP_SECONDS=1)

    assert wait_for(lambda: Notification.objects.filter(delivery_key=f"reminder:{later.id}", emailed_at__isnull=False)
                    .exists(), 120), "the beat and worker delivered nothing"
    # Several sweeps ran after the first reminder became due (the second one is proof): still once.
    assert Notification.objects.filter(delivery_key=f"reminder:{soon.id}").count() == 1
    [note] = Notification.objects.filter(delivery_key=f"reminder:{soon.id}")
    assert note.kind == "deadline.reminder" and "IEP meeting at Oak Street" in note.subject and note.in_app
    assert wait_for(lambda: len(emails_sent(workers.mail_dir)) == 2, 30)
    messages = emails_sent(workers.mail_dir)
    assert sum(note.subject in m for m in messages) == 1
    assert all(f"To: {demo.parent_maya.email}" in m for m in messages)


def test_two_sweeps_started_at_the_same_moment_never_send_one_twice(workers):
    reminders = due_reminders(workers.demo, 300)
    workers(DEADLINE_SWEEP_BATCH_SIZE=10)
    workers(DEADLINE_SWEEP_BATCH_SIZE=10)
    from apps.deadlines.tasks import sweep_reminders

    sweep_reminders.delay()
    sweep_reminders.delay()
    assert wait_for(lambda: sent_count() == len(reminders), 180), f"{sent_count()} of {len(reminders)} sent"
    assert Notification.objects.filter(kind="deadline.reminder").count() == len(reminders)
    assert wait_for(lambda: not Notification.objects.filter(emailed_at__isnull=True).exists(), 180)
    assert wait_for(lambda: len(emails_sent(workers.mail_dir)) >= len(reminders), 60)
    assert len(emails_sent(workers.mail_dir)) == len(reminders)


def test_a_worker_killed_mid_sweep_loses_and_duplicates_nothing(workers):
    reminders = due_reminders(workers.demo, 1000)
    first = workers(DEADLINE_SWEEP_BATCH_SIZE=5)
    from apps.deadlines.tasks import sweep_reminders

    sweep_reminders.delay()
    assert wait_for(lambda: sent_count() >= 40, 120), "the sweep did not start"
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=15)
    sent = sent_count()
    assert sent < len(reminders), "the sweep finished before the kill: nothing was tested"
    # What committed is whole: each sent reminder has its one notification, and nothing else has one.
    assert Notification.objects.filter(kind="deadline.reminder").count() == sent
    assert set(Notification.objects.values_list("delivery_key", flat=True)) == {
        f"reminder:{r.id}" for r in Reminder.objects.filter(sent_at__isnull=False)}

    workers(beat=True, DEADLINE_SWEEP_SECONDS=1, NOTIFICATION_EMAIL_RETRY_AFTER_SECONDS=2)
    assert wait_for(lambda: sent_count() == len(reminders), 240), f"{sent_count()} of {len(reminders)} sent"
    assert wait_for(lambda: not Notification.objects.filter(emailed_at__isnull=True).exists(), 240)
    assert Notification.objects.filter(kind="deadline.reminder").count() == len(reminders)
    assert Notification.objects.values("delivery_key").distinct().count() == len(reminders)
    assert wait_for(lambda: len(emails_sent(workers.mail_dir)) >= len(reminders), 60)
    # Each reminder's e-mail went out. A batch the kill cut between handing its messages to the
    # mail server and recording them goes out again after the restart, under the same Message-IDs
    # (which mail systems deliver once): never a second message of its own, never more than that batch.
    messages = emails_sent(workers.mail_dir)
    ids = message_ids(messages)
    assert len(ids) == len(messages) and len(set(ids)) == len(reminders)
    assert len(messages) - len(reminders) <= 5
