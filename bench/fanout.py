"""Fan-out latency of the IEP live channel, side by side with bare Redis pub/sub, in one run.

Starts the workspace under uvicorn on PostgreSQL + Redis, opens N WebSocket clients on one IEP,
posts comments through the REST API one at a time and measures, for each, the time from the
start of the POST to its receipt by the LAST client; then measures a bare Redis PUBLISH to N
SUBSCRIBE connections the same way. Reports p50/p99 and lost events.

    .venv/bin/python bench/fanout.py --clients 1000 --messages 200 --layers pubsub
    .venv/bin/python bench/fanout.py --clients 1000 --messages 200 --layers pubsub --workers 2
Needs PostgreSQL (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/iepteam_bench) and
Redis (REDIS_URL, default redis://127.0.0.1:6379/3). Writes bench/results/fanout-<time>.json.
"""
import argparse
import asyncio
import json
import os
import secrets
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import redis.asyncio as aioredis
import websockets

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
PASSWORD = "bench-pass-2026"
TEAM = ["parent.maya", "ot", "slp", "casemanager", "admin"]


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def server_env(args):
    env = dict(os.environ)
    env.update({
        "DATABASE_URL": args.database_url,
        "REDIS_URL": args.redis_url,
        "DJANGO_SETTINGS_MODULE": "iepteam.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "IEPTEAM_VAR_DIR": "/tmp/iepteam-bench-var",
        "API_WRITE_RATE": "100000/min",  # the bench posts faster than a person may
    })
    return env


def prepare_database(args, env):
    db = args.database_url.rsplit("/", 1)
    subprocess.run(["psql", db[0] + "/postgres", "-qc", f"DROP DATABASE IF EXISTS {db[1]}"], check=True,
                   stdout=subprocess.DEVNULL)
    subprocess.run(["psql", db[0] + "/postgres", "-qc", f"CREATE DATABASE {db[1]}"], check=True,
                   stdout=subprocess.DEVNULL)
    local = dict(env, DJANGO_SETTINGS_MODULE="iepteam.settings.local")  # seed_demo refuses production
    subprocess.run([PY, "manage.py", "migrate", "-v0"], cwd=ROOT, env=local, check=True)
    subprocess.run([PY, "manage.py", "seed_demo", "--password", PASSWORD], cwd=ROOT, env=local, check=True,
                   stdout=subprocess.DEVNULL)


def api(base, path, payload=None, token=None):
    request = urllib.request.Request(base + path, data=json.dumps(payload).encode() if payload is not None else None,
                                     headers={"Content-Type": "application/json"})
    if token:
        request.add_header("Authorization", f"Token {token}")
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.loads(answer.read())


def start_server(args, env, layer):
    env = dict(env, CHANNEL_LAYER=layer)
    server = subprocess.Popen(
        [PY, "-m", "uvicorn", "iepteam.asgi:application", "--host", "127.0.0.1", "--port", str(args.port),
         "--workers", str(args.workers), "--log-level", "warning", "--ws-max-size", "65536", "--ws", args.ws,
         "--ws-per-message-deflate", "true" if args.deflate else "false"],
        cwd=ROOT, env=env, start_new_session=True,
    )
    base = f"http://127.0.0.1:{args.port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/api/schema/", timeout=2)
            return server, base
        except Exception:  # noqa: BLE001 - still starting
            time.sleep(0.2)
    raise SystemExit("the server did not start")


class Receipts:
    """Counts who got each message, and wakes the measurer when the last of `n` has it: no
    polling, so the measuring process takes no CPU from the server it measures."""

    def __init__(self, n):
        self.n = n
        self.count = {}
        self.last = {}
        self.done = {}

    def got(self, key):
        self.count[key] = self.count.get(key, 0) + 1
        self.last[key] = time.perf_counter()
        if self.count[key] == self.n:
            self._done(key).set()

    def _done(self, key):
        return self.done.setdefault(key, asyncio.Event())

    async def wait(self, key, timeout=5.0):
        """(time the last receiver got it, how many never did)."""
        try:
            await asyncio.wait_for(self._done(key).wait(), timeout)
        except asyncio.TimeoutError:
            pass
        return self.last.get(key), self.n - self.count.get(key, 0)


async def listen_socket(socket, receipts):
    try:
        async for text in socket:
            frame = json.loads(text)
            if frame.get("type") == "comment.created":
                receipts.got(frame["data"]["id"])
    except websockets.ConnectionClosed:
        pass


async def measure_channel(base, tokens, iep_id, rec_id, n, messages):
    ws_base = base.replace("http", "ws")
    sockets = []
    for i in range(n):
        socket = await websockets.connect(
            f"{ws_base}/ws/ieps/{iep_id}/", origin="http://127.0.0.1",
            additional_headers={"Authorization": f"Token {tokens[i % len(tokens)]}"}, max_queue=None,
        )
        hello = json.loads(await socket.recv())
        assert hello["type"] == "hello", hello
        sockets.append(socket)
    receipts = Receipts(n)
    listeners = [asyncio.create_task(listen_socket(s, receipts)) for s in sockets]
    latencies, lost, post_ms = [], 0, []
    loop = asyncio.get_running_loop()
    for i in range(messages):
        start = time.perf_counter()
        comment = await loop.run_in_executor(
            None, api, base, f"/api/v1/recommendations/{rec_id}/comments/", {"body": f"bench {i}"},
            tokens[i % 4])  # parent, OT, SLP, case manager: the admin reads but does not post
        post_ms.append((time.perf_counter() - start) * 1000)
        last, missing = await receipts.wait(comment["id"])
        lost += missing
        if not missing:
            latencies.append((last - start) * 1000)
    for socket in sockets:
        await socket.close()
    for task in listeners:
        task.cancel()
    return latencies, lost, post_ms


async def measure_posts(base, tokens, rec_id, messages):
    """The same POSTs with nobody listening: the baseline a POST with listeners is held to."""
    loop = asyncio.get_running_loop()
    post_ms = []
    for i in range(messages):
        start = time.perf_counter()
        await loop.run_in_executor(None, api, base, f"/api/v1/recommendations/{rec_id}/comments/",
                                   {"body": f"idle {i}"}, tokens[i % 4])
        post_ms.append((time.perf_counter() - start) * 1000)
    return post_ms


def post_summary(post_ms):
    return {"p50_ms": round(statistics.median(post_ms), 1), "p99_ms": round(percentile(post_ms, 99), 1)}


async def measure_redis(url, n, messages):
    """The floor: one PUBLISH, N subscriber connections, time until the last one has it."""
    publisher = aioredis.Redis.from_url(url)
    subscribers = []
    for _ in range(n):
        connection = aioredis.Redis.from_url(url)
        pubsub = connection.pubsub()
        await pubsub.subscribe("bench")
        await pubsub.get_message(timeout=1)  # the subscribe confirmation
        subscribers.append((connection, pubsub))
    receipts = Receipts(n)

    async def listen(pubsub):
        async for message in pubsub.listen():
            if message["type"] == "message":
                receipts.got(message["data"].decode())

    tasks = [asyncio.create_task(listen(p)) for _c, p in subscribers]
    latencies, lost = [], 0
    for i in range(messages):
        key = f"m{i}"
        start = time.perf_counter()
        await publisher.publish("bench", key)
        last, missing = await receipts.wait(key)
        lost += missing
        if not missing:
            latencies.append((last - start) * 1000)
    for task in tasks:
        task.cancel()
    for connection, pubsub in subscribers:
        await pubsub.aclose()
        await connection.aclose()
    await publisher.aclose()
    return latencies, lost


def summary(latencies, lost, messages, n):
    if not latencies:
        return {"clients": n, "messages": messages, "p50_ms": None, "p99_ms": None, "lost": lost}
    return {"clients": n, "messages": messages, "p50_ms": round(statistics.median(latencies), 1),
            "p99_ms": round(percentile(latencies, 99), 1), "max_ms": round(max(latencies), 1), "lost": lost}


async def main(args):
    env = server_env(args)
    prepare_database(args, env)
    rows = []
    for layer in args.layers:
        server, base = start_server(args, env, layer)
        try:
            tokens = [api(base, "/api/v1/auth/token/", {"email": f"{p}@demo.example", "password": PASSWORD})["token"]
                      for p in TEAM]
            students = api_get(base, "/api/v1/students/", tokens[0])
            maya = next(s for s in students["results"] if s["first_name"] == "Maya")
            iep_id = api_get(base, f"/api/v1/students/{maya['id']}/ieps/", tokens[0])["results"][0]["id"]
            rec_id = api_get(base, f"/api/v1/ieps/{iep_id}/recommendations/", tokens[0])["results"][0]["id"]
            await measure_posts(base, tokens, rec_id, 20)  # warm the server's caches and connections
            for n in args.clients:
                # The measurements of a row run back to back, so they share the machine's mood.
                idle = post_summary(await measure_posts(base, tokens, rec_id, args.messages))
                latencies, lost, post_ms = await measure_channel(base, tokens, iep_id, rec_id, n, args.messages)
                channel = summary(latencies, lost, args.messages, n)
                busy = post_summary(post_ms)
                bare = summary(*await measure_redis(args.redis_url, n, args.messages), args.messages, n)
                ratio = round(channel["p99_ms"] / bare["p99_ms"], 2) if channel["p99_ms"] and bare["p99_ms"] else None
                p50_ratio = round(channel["p50_ms"] / bare["p50_ms"], 2) if channel["p50_ms"] and bare["p50_ms"] else None
                post_ratio = round(busy["p99_ms"] / idle["p99_ms"], 2)
                rows.append({"layer": layer, "clients": n, "workspace": channel, "bare_redis": bare, "p99_ratio": ratio,
                             "p50_ratio": p50_ratio, "post_idle": idle, "post_listened": busy,
                             "post_p99_ratio": post_ratio})
                print(f"{layer:<7} N={n:>4} workers={args.workers}  workspace p50 {channel['p50_ms']} ms  "
                      f"p99 {channel['p99_ms']} ms  lost {channel['lost']}   |  bare Redis p50 {bare['p50_ms']} ms  "
                      f"p99 {bare['p99_ms']} ms  lost {bare['lost']}   |  ratios p50 {p50_ratio}x p99 {ratio}x\n"
                      f"        POST with no listener p50 {idle['p50_ms']} / p99 {idle['p99_ms']} ms, with {n}: "
                      f"p50 {busy['p50_ms']} / p99 {busy['p99_ms']} ms  ({post_ratio}x at p99)", flush=True)
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=20)
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"fanout-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps({"workers": args.workers, "messages": args.messages, "deflate": args.deflate, "rows": rows,
                                "cpus": os.cpu_count()}, indent=2))
    print(f"written {path.relative_to(ROOT)}")


def api_get(base, path, token):
    return api(base, path, None, token)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, nargs="+", default=[1000])
    parser.add_argument("--messages", type=int, default=200)
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    parser.add_argument("--layers", nargs="+", default=["pubsub", "core"], choices=["pubsub", "core"],
                        help="channel layers to compare (CHANNEL_LAYER of the settings)")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--ws", default="websockets-sansio", help="uvicorn's WebSocket implementation")
    parser.add_argument("--deflate", action="store_true",
                        help="let uvicorn compress frames (per socket: each frame is compressed once per socket)")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL")
                        or "postgres://postgres@127.0.0.1:5432/iepteam_bench")
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL") or "redis://127.0.0.1:6379/3")
    asyncio.run(main(parser.parse_args()))
