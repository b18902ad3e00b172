"""The live channel at district shape, side by side with bare Redis pub/sub of the same shape.

Seeds PostgreSQL with `--ieps` children (1,000), each with an IEP, a recommendation and a team of
five (parent, case manager, two clinicians, a teacher: 5,000 people, each with an API token),
starts the workspace under uvicorn on Redis, opens one socket per team member (5,000 sockets),
then posts comments at a steady `--rate` across random IEPs for `--duration` seconds (each by
that IEP's case manager, not waiting for the previous one) and measures for each comment:
- POST: the time its POST took;
- delivery: from the POST's start until the LAST of the IEP's five watchers has the event;
- channel: from the event's own time (`at`, written with the row, before the commit) until
  the last watcher has it, the part the live channel adds after the database;
- after the answer: delivery less the POST's own time (live messages leave once the answer is
  sent), the span the bare run's PUBLISH -> fifth subscriber compares with;
and, in the same run, the POSTs at the same rate with nobody connected, and a bare Redis run of
the same shape (`--ieps` channels, five SUBSCRIBE connections each, PUBLISH at the same rate
across random channels, time until the fifth has it). 0 lost is checked for both.

    .venv/bin/python bench/district.py                    # a short try: 15 s
    .venv/bin/python bench/district.py --duration 60      # the figure in the README
Writes bench/results/district-<time>.json.
"""
import argparse
import asyncio
import gc
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import redis.asyncio as aioredis
import websockets

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fanout import PY, ROOT, api, percentile, prepare_database, server_env, start_server

SEED = r'''
import sys
from datetime import date
import django
django.setup()
from django.db import transaction

from apps.accounts.models import ApiToken, District, DistrictMembership, School, User
from apps.ieps import services
from apps.students.models import Discipline, Membership, Role, Student

n = int(sys.argv[1])
district = District.objects.create(name="Bench district")
school = School.objects.create(district=district, name="Bench school")
team = [("parent", Role.PARENT, ""), ("cm", Role.CASE_MANAGER, Discipline.SPECIAL_EDUCATION),
        ("ot", Role.CLINICIAN, Discipline.OT), ("slp", Role.CLINICIAN, Discipline.SLP),
        ("teacher", Role.CLINICIAN, Discipline.SPECIAL_EDUCATION)]
users = User.objects.bulk_create([User(email=f"{who}{i}@bench.example", full_name=f"{who} {i}")
                                  for i in range(n) for who, _r, _d in team])
DistrictMembership.objects.bulk_create([DistrictMembership(user=u, district=district,
                                        role=DistrictMembership.Role.EMPLOYEE)
                                        for u in users if not u.email.startswith("parent")])
students = Student.objects.bulk_create([Student(district=district, school=school, first_name=f"Child{i}",
                                        last_name="Bench", date_of_birth=date(2016, 1, 1)) for i in range(n)])
Membership.objects.bulk_create([Membership(user=users[i * 5 + k], student=students[i], role=role, discipline=disc)
                                for i in range(n) for k, (_w, role, disc) in enumerate(team)])
out = []
for i, student in enumerate(students):
    cm = users[i * 5 + 1]
    with transaction.atomic():
        iep = services.iep_create(actor=cm, student=student, meeting_at=date(2026, 12, 15),
                                  last_evaluated_on=date(2025, 1, 1))
        rec = services.recommendation_create(actor=cm, iep=iep, kind="accommodation", title="Extended time",
                                             rationale="Bench.")
    tokens = [ApiToken.objects.create(user=users[i * 5 + k], name="bench")[1] for k in range(5)]
    out.append({"iep": iep.id, "rec": rec.id, "tokens": tokens})
print("SEED " + __import__("json").dumps(out))
'''


def seed(args, env):
    local = dict(env, DJANGO_SETTINGS_MODULE="iepteam.settings.local")
    done = subprocess.run([PY, "-c", SEED, str(args.ieps)], cwd=ROOT, env=local, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(done.stderr[-3000:])
    line = next(x for x in done.stdout.splitlines() if x.startswith("SEED "))
    return json.loads(line[5:])


def stats(values):
    if not values:
        return {"n": 0, "p50_ms": None, "p99_ms": None}
    return {"n": len(values), "p50_ms": round(percentile(values, 50), 1), "p99_ms": round(percentile(values, 99), 1),
            "max_ms": round(max(values), 1)}


class ClientPauses:
    """This process's own garbage-collection pauses. The watchers' 5,000 sockets live in the
    process that also times the POSTs: a full collection walking all of them stalls its loop, and
    a POST answered during the stall is timed long although the server answered in time. On a
    slower machine (2026-12-02) the slow POSTs came every 1.2 s, 150-650 ms each, and made the
    POST's p99 2.4-4.9x its idle value while the server's own collections stayed under 70 ms; with
    the sockets frozen it was 1.00x. So once the sockets (or the bare run's subscriptions) are
    open, everything they hold is frozen (gc.freeze), and the longest pause left is reported beside
    the figures, to be read with them."""

    def __init__(self):
        self.longest_ms, self._began = 0.0, None
        gc.callbacks.append(self._timed)

    def _timed(self, phase, info):
        if phase == "start":
            self._began = time.perf_counter()
        elif self._began is not None:
            self.longest_ms = max(self.longest_ms, (time.perf_counter() - self._began) * 1000)

    def settled(self):
        """The long-lived objects are made: freeze them, and time from here."""
        gc.collect()
        gc.freeze()
        self.longest_ms = 0.0


PAUSES = ClientPauses()


class Arrivals:
    def __init__(self):
        self.count, self.last = {}, {}

    def got(self, key, now):
        self.count[key] = self.count.get(key, 0) + 1
        self.last[key] = now


async def open_watchers(base, ieps, arrivals, concurrency):
    ws_base = base.replace("http", "ws")
    gate = asyncio.Semaphore(concurrency)
    sockets, tasks = [], []

    async def listen(socket):
        try:
            async for text in socket:
                frame = json.loads(text)
                if frame.get("type") == "comment.created":
                    arrivals.got(frame["data"]["body"], (time.perf_counter(), time.time()))
        except websockets.ConnectionClosed:
            pass

    async def one(iep, token):
        async with gate:
            socket = await websockets.connect(f"{ws_base}/ws/ieps/{iep}/", origin="http://127.0.0.1",
                                              additional_headers={"Authorization": f"Token {token}"},
                                              max_queue=None, open_timeout=60, ping_interval=None)
            hello = json.loads(await socket.recv())
            assert hello["type"] == "hello", hello
            sockets.append(socket)
            tasks.append(asyncio.create_task(listen(socket)))

    await asyncio.gather(*(one(t["iep"], token) for t in ieps for token in t["tokens"]))
    return sockets, tasks


async def post_at_rate(base, ieps, rate, duration, label):
    """Fires one comment every 1/rate s (never waiting for the previous); answers
    [(body, perf start, POST ms)]."""
    loop = asyncio.get_running_loop()
    rng = random.Random(7)
    results, pending = [], []
    start = time.perf_counter()
    i = 0

    async def one(body, team):
        began = time.perf_counter()
        await loop.run_in_executor(None, api, base, f"/api/v1/recommendations/{team['rec']}/comments/",
                                   {"body": body}, team["tokens"][1])
        results.append((body, began, (time.perf_counter() - began) * 1000))

    while time.perf_counter() - start < duration:
        due = start + i / rate
        wait = due - time.perf_counter()
        if wait > 0:
            await asyncio.sleep(wait)
        pending.append(asyncio.create_task(one(f"{label}{i}", rng.choice(ieps))))
        i += 1
    await asyncio.gather(*pending)
    return results


async def measure_workspace(args, base, ieps):
    arrivals = Arrivals()
    began = time.perf_counter()
    sockets, tasks = await open_watchers(base, ieps, arrivals, args.connect_concurrency)
    print(f"  {len(sockets)} sockets open in {time.perf_counter() - began:.0f} s", flush=True)
    await asyncio.sleep(2)
    PAUSES.settled()
    posts = await post_at_rate(base, ieps, args.rate, args.duration, "c")
    client_pause = PAUSES.longest_ms
    await asyncio.sleep(3)  # the last events' way to the watchers
    delivery, channel, lost = [], [], 0
    for body, start, ms in posts:
        if arrivals.count.get(body, 0) < 5:
            lost += 5 - arrivals.count.get(body, 0)
            continue
        delivery.append((arrivals.last[body][0] - start) * 1000)
        # A request's live messages leave once its answer is sent (HoldLiveMessagesUntilAnswered):
        # from the answer's arrival at the poster to the fifth watcher is the channel's own part,
        # the same span the bare run measures from PUBLISH.
        channel.append((arrivals.last[body][0] - start) * 1000 - ms)
    # The event's own time, from the frames (wall clock, same machine): the channel's part.
    for socket in sockets:
        await socket.close()
    for task in tasks:
        task.cancel()
    return posts, delivery, lost, channel, arrivals, client_pause


async def measure_bare(args, n_channels, rate, duration):
    publisher = aioredis.Redis.from_url(args.redis_url)
    arrivals = Arrivals()
    connections = []

    async def listen(pubsub):
        async for message in pubsub.listen():
            if message["type"] == "message":
                arrivals.got(message["data"].decode(), (time.perf_counter(), time.time()))

    tasks = []
    for c in range(n_channels):
        for _ in range(5):
            connection = aioredis.Redis.from_url(args.redis_url)
            pubsub = connection.pubsub()
            await pubsub.subscribe(f"bench.district.{c}")
            await pubsub.get_message(timeout=1)
            connections.append((connection, pubsub))
            tasks.append(asyncio.create_task(listen(pubsub)))
    await asyncio.sleep(1)
    PAUSES.settled()
    rng = random.Random(7)
    sent = {}
    start = time.perf_counter()
    i = 0
    while time.perf_counter() - start < duration:
        due = start + i / rate
        wait = due - time.perf_counter()
        if wait > 0:
            await asyncio.sleep(wait)
        key = f"b{i}"
        sent[key] = time.perf_counter()
        await publisher.publish(f"bench.district.{rng.randrange(n_channels)}", key)
        i += 1
    await asyncio.sleep(2)
    latencies, lost = [], 0
    for key, t0 in sent.items():
        if arrivals.count.get(key, 0) < 5:
            lost += 5 - arrivals.count.get(key, 0)
        else:
            latencies.append((arrivals.last[key][0] - t0) * 1000)
    for task in tasks:
        task.cancel()
    for connection, pubsub in connections:
        await pubsub.aclose()
        await connection.aclose()
    await publisher.aclose()
    return latencies, lost


def channel_part(posts, arrivals, events_at):
    """From each event's `at` (written with the row) to its last watcher."""
    out = []
    for body, _start, _ms in posts:
        at = events_at.get(body)
        if at is not None and arrivals.count.get(body, 0) >= 5:
            out.append((arrivals.last[body][1] - at) * 1000)
    return out


async def main(args):
    env = server_env(args)
    prepare_database(args, env)
    print("seeding ...", flush=True)
    ieps = seed(args, env)
    server, base = start_server(args, env, "pubsub")
    try:
        api(base, f"/api/v1/recommendations/{ieps[0]['rec']}/comments/", {"body": "warm"}, ieps[0]["tokens"][1])
        PAUSES.settled()
        idle = await post_at_rate(base, ieps, args.rate, args.duration, "i")
        idle_pause = PAUSES.longest_ms
        posts, delivery, lost, after_answer, arrivals, listened_pause = await measure_workspace(args, base, ieps)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    events_at = read_event_times(args, env)
    channel = channel_part(posts, arrivals, events_at)
    bare, bare_lost = await measure_bare(args, len(ieps), args.rate, args.duration)
    bare_pause = PAUSES.longest_ms
    row = {
        "ieps": len(ieps), "sockets": len(ieps) * 5, "rate_per_s": args.rate, "duration_s": args.duration,
        "workers": args.workers, "comments": len(posts),
        "post_idle": stats([ms for _b, _s, ms in idle]), "post_listened": stats([ms for _b, _s, ms in posts]),
        "delivery_from_post_start": stats(delivery), "channel_from_event_time": stats(channel),
        "delivery_after_the_answer": stats(after_answer),
        "lost": lost, "bare_redis": stats(bare), "bare_lost": bare_lost,
        "bench_process_longest_gc_pause_ms": {"idle": round(idle_pause, 1), "listened": round(listened_pause, 1),
                                              "bare": round(bare_pause, 1)},
    }
    row["delivery_p99_over_bare"] = ratio(row["delivery_from_post_start"], row["bare_redis"])
    row["channel_p99_over_bare"] = ratio(row["channel_from_event_time"], row["bare_redis"])
    row["after_answer_p99_over_bare"] = ratio(row["delivery_after_the_answer"], row["bare_redis"])
    row["post_p99_over_idle"] = ratio(row["post_listened"], row["post_idle"])
    print(json.dumps(row, indent=2), flush=True)
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"district-{time.strftime('%Y%m%d-%H%M%S')}.json"
    # Each listened POST's start (seconds into the phase, on the wall clock) and time, to see
    # whether the slow ones come together (a pause of the server) or apart.
    first = min(s for _b, s, _ms in posts)
    wall = time.time() - time.perf_counter()
    samples = [[round(s - first, 3), round(s + wall, 3), round(ms, 1)] for _b, s, ms in posts]
    path.write_text(json.dumps(dict(row, cpus=os.cpu_count(), post_listened_samples=samples), indent=2))
    print(f"written {path.relative_to(ROOT)}")


def ratio(a, b):
    return round(a["p99_ms"] / b["p99_ms"], 2) if a["p99_ms"] and b["p99_ms"] else None


def read_event_times(args, env):
    """body -> the event's `at` as a Unix time, read from the database after the run."""
    code = ("import django,json;django.setup();from apps.ieps.models import Event;"
            "print('AT '+json.dumps({e.data.get('body'): e.at.timestamp() for e in "
            "Event.objects.filter(type='comment.created').only('data','at')}))")
    local = dict(env, DJANGO_SETTINGS_MODULE="iepteam.settings.local")
    done = subprocess.run([PY, "-c", code], cwd=ROOT, env=local, check=True, capture_output=True, text=True)
    return json.loads(next(x for x in done.stdout.splitlines() if x.startswith("AT "))[3:])


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ieps", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=10.0, help="comments per second, across random IEPs")
    parser.add_argument("--duration", type=float, default=15.0, help="seconds of posting (60 for the README)")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--connect-concurrency", type=int, default=20)
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--ws", default="websockets-sansio")
    parser.add_argument("--deflate", action="store_true")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL")
                        or "postgres://postgres@127.0.0.1:5432/iepteam_bench_district")
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL") or "redis://127.0.0.1:6379/3")
    asyncio.run(main(parser.parse_args()))
