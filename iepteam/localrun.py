"""`make run`'s last step: the web server and the Celery worker (with embedded beat), started and
stopped together.

make execs this as its recipe's only command, so it is make's own child: Ctrl-C, or a SIGTERM to
make (which make passes on to its child), reaches it. Each server runs in a session of its own,
so stopping it takes its whole process group: the worker's pool
and its beat process. A server that has not stopped within GRACE_SECONDS is killed."""
import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

GRACE_SECONDS = 10
ROOT = Path(__file__).resolve().parent.parent


def _start(args, log=None):
    return subprocess.Popen(args, cwd=ROOT, start_new_session=True, stdout=log, stderr=subprocess.STDOUT if log else None)


def _stop(processes):
    for process in processes:
        if process.poll() is None:
            try:
                os.killpg(process.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
    deadline = time.monotonic() + GRACE_SECONDS
    for process in processes:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            pass
        try:
            # Whatever is left of the group (a reloader child, a pool process) goes too.
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", default="8000")
    parser.add_argument("--var-dir", default=os.environ.get("IEPTEAM_VAR_DIR") or str(ROOT / "var"))
    options = parser.parse_args(argv)

    celery_dir = Path(options.var_dir) / "celery"
    celery_dir.mkdir(parents=True, exist_ok=True)
    python = sys.executable
    print(f"Starting the Celery worker (embedded beat); its log is {celery_dir / 'worker.log'}", flush=True)
    with open(celery_dir / "worker.log", "ab") as worker_log:
        worker = _start([python, "-m", "celery", "-A", "iepteam", "worker", "-B", "--loglevel=INFO",
                         "--concurrency=1", "--schedule", str(celery_dir / "beat-schedule")], log=worker_log)
    # uvicorn, like production: the request-body limits (iepteam/body_limit.py) sit in front of
    # Django only where the server hands the body over as it arrives; daphne reads it whole first.
    web = _start([python, "-m", "uvicorn", "iepteam.asgi:application", "--host", options.host,
                  "--port", str(options.port)])
    processes = [web, worker]

    stopping = []

    def on_signal(signum, _frame):
        stopping.append(signum)

    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, on_signal)

    shown = "127.0.0.1" if options.host in ("0.0.0.0", "::") else options.host
    print(f"Open http://{shown}:{options.port}/ and sign in with one of the demo logins above. "
          "Stop with Ctrl-C.", flush=True)
    try:
        while not stopping and all(process.poll() is None for process in processes):
            time.sleep(0.2)  # a signal cuts this short
    finally:
        print("Stopping the web server and the worker...", flush=True)
        _stop(processes)
    failed = [p for p in processes if p.returncode not in (0, -signal.SIGTERM, -signal.SIGKILL)]
    return 1 if failed and not stopping else 0


if __name__ == "__main__":
    sys.exit(main())
