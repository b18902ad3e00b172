"""A simple API GET with and without the PostgreSQL connection pool, in one run.

Starts the workspace under uvicorn (production settings, PostgreSQL + Redis) twice, once with
DB_POOL_SIZE=0 (a new connection per request, as before) and once with the pool, and sends the
same GETs of /api/v1/me/ from a few keep-alive client threads. Reports requests/s, p50 and p99,
and how many connections PostgreSQL saw opened during each run.

    .venv/bin/python bench/db_pool.py --requests 2000 --concurrency 4
Needs PostgreSQL (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/iepteam_bench_pool)
and Redis (BENCH_REDIS_URL, default redis://127.0.0.1:6379/6). Writes bench/results/db_pool-<time>.json.
"""
import argparse
import http.client
import json
import os
import secrets
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
PASSWORD = "bench-pass-2026"


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def server_env(args, pool_size):
    env = dict(os.environ)
    env.update({
        "DATABASE_URL": args.database_url, "REDIS_URL": args.redis_url,
        "DJANGO_SETTINGS_MODULE": "iepteam.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost", "DJANGO_SECURE_SSL_REDIRECT": "0",
        "IEPTEAM_VAR_DIR": "/tmp/iepteam-bench-var", "API_READ_RATE": "10000000/min",
        "API_WRITE_RATE": "100000/min", "DB_POOL_SIZE": str(pool_size), "DB_CONN_MAX_AGE": "0",
    })
    return env


def psql(url, sql):
    return subprocess.run(["psql", url, "-tAqc", sql], check=True, capture_output=True, text=True).stdout.strip()


def prepare_database(args):
    server, name = args.database_url.rsplit("/", 1)
    psql(server + "/postgres", f"DROP DATABASE IF EXISTS {name}")
    psql(server + "/postgres", f"CREATE DATABASE {name}")
    local = dict(server_env(args, 0), DJANGO_SETTINGS_MODULE="iepteam.settings.local")  # seed_demo refuses production
    subprocess.run([PY, "manage.py", "migrate", "-v0"], cwd=ROOT, env=local, check=True)
    subprocess.run([PY, "manage.py", "seed_demo", "--password", PASSWORD], cwd=ROOT, env=local, check=True,
                   stdout=subprocess.DEVNULL)


def sessions_opened(args):
    """Backends PostgreSQL has started for this database since its statistics began."""
    server, name = args.database_url.rsplit("/", 1)
    return int(psql(server + "/postgres", f"SELECT sessions FROM pg_stat_database WHERE datname = '{name}'") or 0)


def start_server(args, env):
    server = subprocess.Popen(
        [PY, "-m", "uvicorn", "iepteam.asgi:application", "--host", "127.0.0.1", "--port", str(args.port),
         "--log-level", "warning"], cwd=ROOT, env=env, start_new_session=True)
    base = f"http://127.0.0.1:{args.port}"
    for _ in range(150):
        try:
            urllib.request.urlopen(base + "/api/schema/", timeout=2)
            return server
        except Exception:  # noqa: BLE001 - still starting
            time.sleep(0.2)
    raise SystemExit("the server did not start")


def token_for(args, email):
    request = urllib.request.Request(
        f"http://127.0.0.1:{args.port}/api/v1/auth/token/", headers={"Content-Type": "application/json"},
        data=json.dumps({"email": email, "password": PASSWORD}).encode())
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.loads(answer.read())["token"]


def hammer(args, token, path, count, latencies):
    connection = http.client.HTTPConnection("127.0.0.1", args.port, timeout=30)
    headers = {"Authorization": f"Token {token}"}
    for _ in range(count):
        start = time.perf_counter()
        connection.request("GET", path, headers=headers)
        answer = connection.getresponse()
        answer.read()
        assert answer.status == 200, answer.status
        latencies.append((time.perf_counter() - start) * 1000)
    connection.close()


def measure(args, pool_size):
    server = start_server(args, server_env(args, pool_size))
    try:
        token = token_for(args, "ot@demo.example")
        warm = []
        hammer(args, token, args.path, 50, warm)
        before = sessions_opened(args)
        latencies: list[float] = []
        per_thread = args.requests // args.concurrency
        threads = [threading.Thread(target=hammer, args=(args, token, args.path, per_thread, latencies))
                   for _ in range(args.concurrency)]
        start = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - start
        time.sleep(0.6)  # pg_stat_database is flushed by backends at most every 500 ms
        opened = sessions_opened(args) - before
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
    row = {"pool_size": pool_size, "requests": len(latencies), "rps": round(len(latencies) / elapsed, 1),
           "p50_ms": round(statistics.median(latencies), 2), "p99_ms": round(percentile(latencies, 99), 2),
           "connections_opened": opened}
    print(f"DB_POOL_SIZE={pool_size:<3} {row['rps']:>7} req/s  p50 {row['p50_ms']} ms  p99 {row['p99_ms']} ms  "
          f"connections opened {opened}", flush=True)
    return row


def main(args):
    prepare_database(args)
    rows = []
    for _ in range(args.rounds):  # alternate, so both see the machine in the same mood
        rows.append(measure(args, 0))
        rows.append(measure(args, args.pool_size))
    off = [r for r in rows if r["pool_size"] == 0]
    on = [r for r in rows if r["pool_size"] != 0]
    best = {name: {"rps": max(r["rps"] for r in group), "p50_ms": min(r["p50_ms"] for r in group)}
            for name, group in (("no_pool", off), ("pool", on))}
    print(f"best of {args.rounds}: no pool {best['no_pool']}  pool {best['pool']}  "
          f"throughput x{best['pool']['rps'] / best['no_pool']['rps']:.2f}")
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"db_pool-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps({"path": args.path, "concurrency": args.concurrency, "rows": rows, "best": best,
                                "cpus": os.cpu_count()}, indent=2))
    print(f"written {path.relative_to(ROOT)}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--pool-size", type=int, default=10)
    parser.add_argument("--path", default="/api/v1/me/")
    parser.add_argument("--port", type=int, default=8796)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL")
                        or "postgres://postgres@127.0.0.1:5432/iepteam_bench_pool")
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL") or "redis://127.0.0.1:6379/6")
    main(parser.parse_args())
