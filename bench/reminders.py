"""The reminder sweep at scale: 1,000,000 unsent reminders of which 10,000 are due, on PostgreSQL,
claimed and delivered (in the app and by e-mail) by real Celery workers on Redis.

Measures, in one run: the time from enqueueing one sweep until every due reminder is sent and
e-mailed; the sweep's claim query next to a single-row select by primary key (both through the
ORM, median of repeated runs); the workers' peak memory (VmHWM); duplicates (zero expected).

    .venv/bin/python bench/reminders.py --total 1000000 --due 10000 --workers 2

Needs PostgreSQL (DATABASE_URL, default postgres://iepteam:iepteam@127.0.0.1:5432/iepteam_reminders_bench;
the database is dropped and made anew) and Redis (REDIS_URL, default redis://127.0.0.1:6379/8;
that Redis database is flushed). Writes bench/results/reminders-<time>.json.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
sys.path.insert(0, str(ROOT))


def parse():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--total", type=int, default=1_000_000)
    parser.add_argument("--due", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2, help="Celery worker processes (solo pool each)")
    parser.add_argument("--batch", type=int, default=100, help="DEADLINE_SWEEP_BATCH_SIZE")
    parser.add_argument("--database-url", default=os.environ.get(
        "BENCH_DATABASE_URL", "postgres://iepteam:iepteam@127.0.0.1:5432/iepteam_reminders_bench"))
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/8"))
    return parser.parse_args()


def prepare_database(args, env):
    base, name = args.database_url.rsplit("/", 1)
    subprocess.run(["psql", base + "/postgres", "-qc", f"DROP DATABASE IF EXISTS {name}"], check=True,
                   stdout=subprocess.DEVNULL)
    subprocess.run(["psql", base + "/postgres", "-qc", f"CREATE DATABASE {name}"], check=True,
                   stdout=subprocess.DEVNULL)
    subprocess.run([PY, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run([PY, "manage.py", "seed_demo", "--password", "bench-pass-2026"], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL)


def fill(args):
    """1,000 deadlines of one child's parent; total reminders, the first `due` of them due now,
    the rest spread over the coming months (all unsent: all in the sweep's partial index)."""
    from django.db import connection

    from apps.accounts.models import User
    from apps.deadlines.models import Deadline, Reminder
    from apps.students.models import Student

    parent = User.objects.get(email="parent.maya@demo.example")
    student = Student.objects.get(first_name="Maya")
    Reminder.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO {Deadline._meta.db_table}
                (kind, subject, student_id, due_on, due_at, all_day, period_unit, status, source_type, sequence,
                 created_at)
                SELECT 'other', 'Bench deadline ' || g, %s, DATE '2099-01-01', TIMESTAMPTZ '2099-01-01 23:59:59Z',
                       true, '', 'open', 'bench', 0, now()
                FROM generate_series(1, 1000) g RETURNING id""", [student.id])
        ids = [row[0] for row in cursor.fetchall()]
        cursor.execute("CREATE TEMP TABLE bench_deadlines (n int primary key, id bigint)")
        cursor.executemany("INSERT INTO bench_deadlines VALUES (%s, %s)", list(enumerate(ids)))
        cursor.execute(
            """INSERT INTO deadlines_participant (deadline_id, user_id, role)
                SELECT id, %s, 'owner' FROM bench_deadlines""", [parent.id])
        cursor.execute(
            f"""INSERT INTO {Reminder._meta.db_table} (deadline_id, user_id, kind, on_date, at, superseded)
                SELECT d.id, %s, 'before', DATE '2100-01-01' + (g / 1000),
                       CASE WHEN g <= %s THEN now() - interval '1 minute' ELSE now() + g * interval '10 seconds' END,
                       false
                FROM generate_series(1, %s) g JOIN bench_deadlines d ON d.n = g %% 1000""",
            [parent.id, args.due, args.total])
        cursor.execute(f"ANALYZE {Reminder._meta.db_table}")


def median_ms(fn, repeats=30):
    fn()  # warm
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def query_times(args):
    """The sweep's claim (under FOR UPDATE SKIP LOCKED, rolled back) next to a primary-key select."""
    from django.db import transaction
    from django.utils import timezone

    from apps.deadlines.models import Reminder

    some_id = Reminder.objects.order_by("-id").values_list("id", flat=True).first()

    from django.db import connection

    # The sweep's claim exactly as the ORM sends it (FOR UPDATE SKIP LOCKED, with its joins), and a
    # select of one row by primary key; both executed and fetched the same way, rolled back.
    claim_sql = (Reminder.objects.select_for_update(skip_locked=True, of=("self",))
                 .filter(sent_at__isnull=True, at__lte=timezone.now())
                 .select_related("deadline__student", "user").order_by("at", "id")[:args.batch]).query
    single_sql = Reminder.objects.filter(id=some_id).query

    def run(query):
        def once():
            with transaction.atomic(), connection.cursor() as cursor:
                sql, params = query.get_compiler("default").as_sql()
                cursor.execute(sql, params)
                cursor.fetchall()
                transaction.set_rollback(True)
        return once

    return median_ms(run(claim_sql)), median_ms(run(single_sql))


def explain(args):
    from django.db import connection

    from django.utils import timezone

    from apps.deadlines.models import Reminder

    qs = (Reminder.objects.filter(sent_at__isnull=True, at__lte=timezone.now()).order_by("at", "id")[:args.batch])
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        return [row[0] for row in cursor.fetchall()]


def peak_kib(pid):
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def main():
    args = parse()
    mail_dir = Path(tempfile.mkdtemp(prefix="reminders-bench-mail-"))
    env = dict(os.environ, DATABASE_URL=args.database_url, REDIS_URL=args.redis_url,
               DJANGO_SETTINGS_MODULE="iepteam.settings.local", IEPTEAM_VAR_DIR="/tmp/iepteam-bench-var",
               EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend", EMAIL_FILE_PATH=str(mail_dir),
               DEADLINE_SWEEP_BATCH_SIZE=str(args.batch), CHANNEL_LAYER_PREFIX="reminders-bench")
    import secrets

    os.environ.update(env)
    # Measured as deployed: production settings, DEBUG off (seed_demo and migrate ran with local).
    production = dict(env, DJANGO_SETTINGS_MODULE="iepteam.settings.production",
                      DJANGO_SECRET_KEY=secrets.token_urlsafe(64), DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost")
    import redis

    redis.Redis.from_url(args.redis_url).flushdb()
    started = time.perf_counter()
    prepare_database(args, env)
    os.environ.update(production)
    import django

    django.setup()
    fill(args)
    print(f"filled {args.total:,} reminders ({args.due:,} due) in {time.perf_counter() - started:.1f} s", flush=True)
    claim_ms, single_ms = query_times(args)
    plan = explain(args)

    from apps.deadlines.models import Reminder
    from apps.deadlines.tasks import sweep_reminders
    from apps.notifications.models import Notification
    from iepteam.celery import app

    app.conf.task_always_eager = False
    workers = [subprocess.Popen(
        [PY, "-m", "celery", "-A", "iepteam", "worker", "--pool", "solo", "--loglevel", "WARNING", "-Q", "celery",
         "--without-gossip", "--without-mingle", "--without-heartbeat", "--prefetch-multiplier", "1",
         "-n", f"bench{i}@%h"], cwd=ROOT, env=production, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for i in range(args.workers)]
    try:
        time.sleep(5)  # let the workers connect before the clock starts
        peaks = {}
        begin = time.perf_counter()
        for _ in workers:
            sweep_reminders.delay()  # one sweep per worker, started together: they share the work
        sent = emailed = 0
        while time.perf_counter() - begin < 600:
            sent = Reminder.objects.filter(sent_at__isnull=False).count()
            emailed = Notification.objects.filter(emailed_at__isnull=False).count()
            for w in workers:
                peaks[w.pid] = max(peaks.get(w.pid) or 0, peak_kib(w.pid) or 0)
            if sent >= args.due and emailed >= args.due:
                break
            if any(w.poll() is not None for w in workers):
                raise SystemExit("a worker exited")
            time.sleep(0.2)
        elapsed = time.perf_counter() - begin
        for w in workers:
            peaks[w.pid] = max(peaks.get(w.pid) or 0, peak_kib(w.pid) or 0)
    finally:
        for w in workers:
            w.terminate()
        for w in workers:
            w.wait(timeout=30)
    notifications = Notification.objects.filter(kind="deadline.reminder").count()
    keys = Notification.objects.values("delivery_key").distinct().count()
    files = list(mail_dir.iterdir())
    emails = sum(p.read_text().count("\nTo: ") + p.read_text().startswith("To: ") for p in files)
    result = {
        "total": args.total, "due": args.due, "workers": args.workers, "batch": args.batch,
        "seconds_to_claim_and_deliver": round(elapsed, 2), "sent": sent, "emailed": emailed,
        "notifications": notifications, "duplicate_notifications": notifications - keys,
        "emails_written": emails, "duplicate_emails": max(0, emails - args.due),
        "claim_query_ms": round(claim_ms, 3), "single_row_select_ms": round(single_ms, 3),
        "claim_to_single_ratio": round(claim_ms / single_ms, 2),
        "worker_peak_rss_mib": {str(pid): round(kib / 1024, 1) for pid, kib in peaks.items()},
        "plan": plan,
    }
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"reminders-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))
    print(f"written to {path}")


if __name__ == "__main__":
    main()
