"""What idle sockets cost: memory (RSS) and CPU of one server process holding N authenticated,
idle IEP sockets.

Starts the workspace under uvicorn (one process, production settings, PostgreSQL + Redis), reads
its RSS, opens `--sockets` (10,000) token-authenticated sockets on the demo IEP from
`--client-procs` client processes (they answer the server's pings and send nothing), waits for
them to settle, then reads the server's RSS and its CPU time over `--window` seconds: 300 by
default, the period of the sockets' access re-checks (WEBSOCKET_ACCESS_CHECK_SECONDS, each due
every 225-300 s), so every socket's re-check falls in it with its heartbeats (seven) and uvicorn's
pings (two or three). A 120-s window that ended before the first re-checks came missed their cost.

    .venv/bin/python bench/idle.py --sockets 10000
Writes bench/results/idle-<time>.json.
"""
import argparse
import asyncio
import json
import multiprocessing
import os
import signal
import sys
import time
from pathlib import Path

import websockets

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fanout import (
    PASSWORD,
    ROOT,
    TEAM,
    api,
    api_get,
    prepare_database,
    server_env,
    start_server,
)


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def client(base, iep_id, tokens, count, ready, stop):
    async def run():
        ws_base = base.replace("http", "ws")
        sockets = []
        gate = asyncio.Semaphore(50)

        async def one(i):
            async with gate:
                socket = await websockets.connect(
                    f"{ws_base}/ws/ieps/{iep_id}/", origin="http://127.0.0.1", open_timeout=120,
                    additional_headers={"Authorization": f"Token {tokens[i % len(tokens)]}"},
                    ping_interval=None, max_queue=None)
                hello = json.loads(await socket.recv())
                assert hello["type"] == "hello", hello
                sockets.append(socket)

        await asyncio.gather(*(one(i) for i in range(count)))
        ready.release()

        async def drain(socket):
            try:
                async for _text in socket:
                    pass
            except websockets.ConnectionClosed:
                pass

        tasks = [asyncio.create_task(drain(s)) for s in sockets]
        while not stop.is_set():
            await asyncio.sleep(0.5)
        closed = sum(1 for s in sockets if s.close_code is not None)
        print(f"  client: {closed} of {len(sockets)} sockets were closed by the server", flush=True)
        for task in tasks:
            task.cancel()

    asyncio.run(run())


def main(args):
    env = server_env(args)
    prepare_database(args, env)
    server, base = start_server(args, env, "pubsub")
    try:
        tokens = [api(base, "/api/v1/auth/token/", {"email": f"{p}@demo.example", "password": PASSWORD})["token"]
                  for p in TEAM]
        students = api_get(base, "/api/v1/students/", tokens[0])
        maya = next(s for s in students["results"] if s["first_name"] == "Maya")
        iep_id = api_get(base, f"/api/v1/students/{maya['id']}/ieps/", tokens[0])["results"][0]["id"]
        time.sleep(2)
        before = rss_mib(server.pid)
        ready, stop = multiprocessing.Semaphore(0), multiprocessing.Event()
        share = args.sockets // args.client_procs
        clients = [multiprocessing.Process(target=client, args=(base, iep_id, tokens, share, ready, stop))
                   for _ in range(args.client_procs)]
        began = time.time()
        for c in clients:
            c.start()
        for _ in clients:
            ready.acquire()
        print(f"  {share * args.client_procs} sockets open in {time.time() - began:.0f} s", flush=True)
        time.sleep(args.settle)
        held = rss_mib(server.pid)
        cpu0, wall0 = cpu_seconds(server.pid), time.monotonic()
        time.sleep(args.window)
        cpu = (cpu_seconds(server.pid) - cpu0) / (time.monotonic() - wall0) * 100
        after = rss_mib(server.pid)
        stop.set()
        for c in clients:
            c.join(timeout=60)
        row = {"sockets": share * args.client_procs, "rss_before_mib": round(before, 1),
               "rss_held_mib": round(max(held, after), 1),
               "per_socket_kib": round((max(held, after) - before) * 1024 / (share * args.client_procs), 1),
               "idle_cpu_percent_of_a_core": round(cpu, 2), "window_s": args.window, "deflate": args.deflate}
        print(json.dumps(row, indent=2), flush=True)
        out = ROOT / "bench" / "results"
        out.mkdir(parents=True, exist_ok=True)
        path = out / f"idle-{time.strftime('%Y%m%d-%H%M%S')}.json"
        path.write_text(json.dumps(row, indent=2))
        print(f"written {path.relative_to(ROOT)}")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sockets", type=int, default=10000)
    parser.add_argument("--client-procs", type=int, default=2)
    parser.add_argument("--settle", type=float, default=30.0, help="seconds after the last socket opened")
    parser.add_argument("--window", type=float, default=300.0,
                        help="seconds of CPU measured (an access re-check, seven heartbeats and two or three pings a socket)")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--port", type=int, default=8767)
    parser.add_argument("--ws", default="websockets-sansio")
    parser.add_argument("--deflate", action="store_true")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL")
                        or "postgres://postgres@127.0.0.1:5432/iepteam_bench_idle")
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL") or "redis://127.0.0.1:6379/3")
    main(parser.parse_args())
