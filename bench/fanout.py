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
import urllib.error
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


# As README "Running at scale" runs it: uvicorn pings each socket every 120 s (a dead peer is
# closed within 150 s); the app's own heartbeat (every 40 s) keeps proxies from closing it.
SERVER_WS_PINGS = ["--ws-ping-interval", "120", "--ws-ping-timeout", "30"]


def start_server(args, env, layer):
    env = dict(env, CHANNEL_LAYER=layer)
    server = subprocess.Popen(
        [PY, "-m", "uvicorn", "iepteam.asgi:application", "--host", "127.0.0.1", "--port", str(args.port),
         "--workers", str(args.workers), "--log-level", "warning", "--ws-max-size", "65536", "--ws", args.ws,
         "--ws-per-message-deflate", "true" if args.deflate else "false", *SERVER_WS_PINGS],
        cwd=ROOT, env=env, start_new_session=True,
    )
    base = f"http://127.0.0.1:{args.port}"
    for _ in range(600):  # two processes on a busy machine take a while to import Django
        try:
            urllib.request.urlopen(base + "/api/schema/", timeout=2)
            return server, base
        except urllib.error.HTTPError:
            return server, base  # it answers
        except Exception:  # noqa: BLE001 - still starting
            time.sleep(0.2)
    raise SystemExit("the server did not start")


# The clients: `--client-procs` processes share the N connections, so that neither the receiving
# nor the POSTing (done by the main process) waits on one busy interpreter. Each timestamps with
# time.perf_counter() (CLOCK_MONOTONIC: one clock for every process of the machine) and reports
# once it holds all its connections' copies of a message; the main process takes the latest.

def listener(kind, conn, params):
    asyncio.run(_listen(kind, conn, params))


async def _listen(kind, conn, p):
    share = p["count"]
    count, last = {}, {}

    def got(key):
        count[key] = count.get(key, 0) + 1
        last[key] = time.perf_counter()
        if count[key] == share:
            conn.send(("got", key, last[key]))

    tasks, closers = [], []
    if kind == "ws":
        ws_base = p["base"].replace("http", "ws")

        async def run(socket):
            try:
                async for text in socket:
                    frame = json.loads(text)
                    if frame.get("type") == "comment.created":
                        got(frame["data"]["body"])
            except websockets.ConnectionClosed:
                pass

        for i in range(share):
            socket = await websockets.connect(
                f"{ws_base}/ws/ieps/{p['iep']}/", origin="http://127.0.0.1", max_queue=None, ping_interval=None,
                open_timeout=60, additional_headers={"Authorization": f"Token {p['tokens'][i % len(p['tokens'])]}"})
            hello = json.loads(await socket.recv())
            assert hello["type"] == "hello", hello
            tasks.append(asyncio.create_task(run(socket)))
            closers.append(socket.close)
    else:
        async def run(pubsub):
            async for message in pubsub.listen():
                if message["type"] == "message":
                    got(message["data"].decode())

        for _ in range(share):
            connection = aioredis.Redis.from_url(p["url"])
            pubsub = connection.pubsub()
            await pubsub.subscribe(p["channel"])
            await pubsub.get_message(timeout=5)  # the subscribe confirmation
            tasks.append(asyncio.create_task(run(pubsub)))
            closers.extend([pubsub.aclose, connection.aclose])
    conn.send(("ready",))
    loop = asyncio.get_running_loop()
    stop = loop.create_future()
    loop.add_reader(conn.fileno(), lambda: stop.done() or stop.set_result(conn.recv()))
    _stop, keys = await stop
    conn.send(("tally", sum(share - count.get(key, 0) for key in keys)))
    for task in tasks:
        task.cancel()
    for close in closers:
        try:
            await close()
        except Exception:  # noqa: BLE001 - closing at the end
            pass


class Listeners:
    """The client processes, from the measurer's side."""

    def __init__(self, kind, n, procs, **params):
        import multiprocessing

        self.n, self.procs = n, []
        # A venv reached through a symlink: a spawned child finds its packages only through this.
        os.environ["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
        shares = [n // procs + (1 if i < n % procs else 0) for i in range(procs)]
        context = multiprocessing.get_context("spawn")
        for share in shares:
            mine, theirs = context.Pipe()
            process = context.Process(target=listener, args=(kind, theirs, dict(params, count=share)), daemon=True)
            process.start()
            self.procs.append((process, mine))
        self.reports, self.done = {}, {}

    async def ready(self):
        loop = asyncio.get_running_loop()
        for _p, conn in self.procs:
            assert (await loop.run_in_executor(None, conn.recv))[0] == "ready"
        for _p, conn in self.procs:
            loop.add_reader(conn.fileno(), self._read, conn)

    def _read(self, conn):
        message = conn.recv()
        if message[0] == "got":
            _kind, key, at = message
            self.reports.setdefault(key, []).append(at)
            if len(self.reports[key]) == len(self.procs):
                self._done(key).set()
        else:
            self.tallies.append(message)

    def _done(self, key):
        return self.done.setdefault(key, asyncio.Event())

    async def wait(self, key, timeout=10.0):
        """The time the last connection got it, or None."""
        try:
            await asyncio.wait_for(self._done(key).wait(), timeout)
        except TimeoutError:
            return None
        return max(self.reports[key])

    async def close(self, keys):
        """Stops the clients; answers how many copies of `keys` never arrived."""
        self.tallies = []
        for _p, conn in self.procs:
            conn.send(("stop", keys))
        while len(self.tallies) < len(self.procs):
            await asyncio.sleep(0.05)
        lost = sum(missing for _kind, missing in self.tallies)
        loop = asyncio.get_running_loop()
        for process, conn in self.procs:
            loop.remove_reader(conn.fileno())
            process.join(timeout=30)
        return lost


async def measure_channel(base, tokens, iep_id, rec_id, n, messages, procs):
    listeners = Listeners("ws", n, procs, base=base, iep=iep_id, tokens=tokens)
    await listeners.ready()
    latencies, post_ms, keys = [], [], []
    loop = asyncio.get_running_loop()
    for i in range(messages):
        key = f"bench {i} {time.time()}"
        keys.append(key)
        start = time.perf_counter()
        await loop.run_in_executor(
            None, api, base, f"/api/v1/recommendations/{rec_id}/comments/", {"body": key},
            tokens[i % 4])  # parent, OT, SLP, case manager: the admin reads but does not post
        post_ms.append((time.perf_counter() - start) * 1000)
        last = await listeners.wait(key)
        if last is not None:
            latencies.append((last - start) * 1000)
    lost = await listeners.close(keys)
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


async def measure_redis(url, n, messages, procs):
    """The floor: one PUBLISH, N subscriber connections (in the same client processes), time until
    the last one has it."""
    channel = f"bench.fanout.{time.time()}"
    listeners = Listeners("redis", n, procs, url=url, channel=channel)
    await listeners.ready()
    publisher = aioredis.Redis.from_url(url)
    latencies, keys = [], []
    for i in range(messages):
        key = f"m{i}"
        keys.append(key)
        start = time.perf_counter()
        await publisher.publish(channel, key)
        last = await listeners.wait(key)
        if last is not None:
            latencies.append((last - start) * 1000)
    await publisher.aclose()
    return latencies, await listeners.close(keys)


def summary(latencies, lost, messages, n):
    if not latencies:
        return {"clients": n, "messages": messages, "p50_ms": None, "p99_ms": None, "lost": lost}
    return {"clients": n, "messages": messages, "p50_ms": round(statistics.median(latencies), 1),
            "p99_ms": round(percentile(latencies, 99), 1), "max_ms": round(max(latencies), 1), "lost": lost}


async def main(args):
    env = server_env(args)
    if not args.keep_db:
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
                latencies, lost, post_ms = await measure_channel(base, tokens, iep_id, rec_id, n, args.messages,
                                                                 args.client_procs)
                channel = summary(latencies, lost, args.messages, n)
                busy = post_summary(post_ms)
                bare = summary(*await measure_redis(args.redis_url, n, args.messages, args.client_procs), args.messages, n)
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
    parser.add_argument("--keep-db", action="store_true", help="reuse the database a previous run seeded")
    parser.add_argument("--client-procs", type=int, default=2, help="client processes sharing the N connections")
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
