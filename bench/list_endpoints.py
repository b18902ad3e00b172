"""The API's recommendation and comment lists against hand-written `.values()` views of the same
JSON (bench/list_urls.py), in one run, in-process (Django's test client, the whole middleware
stack, token authentication), on PostgreSQL.

For each list: a page of 50 rows, requests alternated between the product's endpoint and the
yardstick in rounds (so both see the machine in the same mood); requests/s of each and the
product's share of the yardstick's. Also the record of access: the same product request with
and without AccessRecordMiddleware (the entry each staff read writes).

    .venv/bin/python bench/list_endpoints.py --requests 200 --rounds 5
Needs PostgreSQL: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/iepteam_bench_lists;
the database is dropped and made again). Writes bench/results/list_endpoints-<time>.json.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup(database_url):
    server, name = database_url.rsplit("/", 1)
    for sql in (f"DROP DATABASE IF EXISTS {name}", f"CREATE DATABASE {name}"):
        subprocess.run(["psql", server + "/postgres", "-qc", sql], check=True, stdout=subprocess.DEVNULL)
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "iepteam.settings.test"
    os.environ.setdefault("API_WRITE_RATE", "10000000/min")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("seed_demo", password="bench-pass-2026", stdout=open(os.devnull, "w"))  # noqa: SIM115


def world():
    """Maya's IEP with 50 recommendations by several authors, one of them with 50 comments."""
    from apps.accounts.models import ApiToken, User
    from apps.discussions.models import Comment, Thread
    from apps.ieps.models import IEP, Recommendation

    iep = IEP.objects.filter(student__first_name="Maya").first()
    ot, slp, parent = (User.objects.get(email=f"{p}@demo.example") for p in ("ot", "slp", "parent.maya"))
    have = Recommendation.objects.filter(iep=iep).count()
    Recommendation.objects.bulk_create([
        Recommendation(iep=iep, author=(ot, slp)[i % 2], kind="goal", title=f"Goal {i}",
                       rationale="Because the team saw it at school and at home. " * 3, description="Weekly.")
        for i in range(50 - have)])
    rec = Recommendation.objects.filter(iep=iep).order_by("id").first()
    thread, _ = Thread.objects.get_or_create(recommendation=rec, defaults={"iep": iep})
    Comment.objects.bulk_create([
        Comment(thread=thread, author=(ot, slp, parent)[i % 3], author_role=("clinician", "clinician", "parent")[i % 3],
                body=f"Comment {i} with **bold**, `code` and a link https://example.org/{i}.") for i in range(50)])
    tokens = {name: ApiToken.objects.create(user=user, name="bench")[1] for name, user in (("ot", ot),)}
    return iep, rec, tokens


def timed(client, path, token, n):
    """(requests per wall-clock second, requests per second of this process's CPU). The second
    leaves out the database server and other processes sharing the cores: on a busy machine it
    is the steadier comparison of the two Python paths (both make the same queries)."""
    start, cpu = time.perf_counter(), time.process_time()
    for _ in range(n):
        answer = client.get(path, HTTP_AUTHORIZATION=f"Token {token}")
        assert answer.status_code == 200, (path, answer.status_code, answer.content[:300])
    return n / (time.perf_counter() - start), n / (time.process_time() - cpu)


def count_queries(connection, run):
    """Queries one request makes (a wrapper: Django empties its own query log at each request)."""
    seen = []
    with connection.execute_wrapper(lambda execute, sql, params, many, context: (seen.append(sql), execute(
            sql, params, many, context))[1]):
        run()
    return len(seen)


def main(args):
    setup(args.database_url)
    from django.conf import settings
    from django.db import connection
    from django.test import Client, override_settings

    iep, rec, tokens = world()
    token = tokens["ot"]
    lists = {
        "recommendations": (f"/api/v1/ieps/{iep.id}/recommendations/", f"/bench/ieps/{iep.id}/recommendations/"),
        "comments": (f"/api/v1/recommendations/{rec.id}/comments/", f"/bench/recommendations/{rec.id}/comments/"),
    }
    unrecorded = [m for m in settings.MIDDLEWARE if m != "apps.audit.recording.AccessRecordMiddleware"]
    rows = {}
    with override_settings(ROOT_URLCONF="bench.list_urls"):
        client = Client()
        with override_settings(MIDDLEWARE=unrecorded):
            bare_client = Client()
        for name, (product, yardstick) in lists.items():
            a = client.get(product, HTTP_AUTHORIZATION=f"Token {token}")
            b = client.get(yardstick, HTTP_AUTHORIZATION=f"Token {token}")
            assert a.status_code == b.status_code == 200, (a.status_code, b.status_code)
            if json.loads(a.content) != json.loads(b.content):
                ra, rb = json.loads(a.content)["results"][0], json.loads(b.content)["results"][0]
                raise SystemExit(f"{name}: the yardstick's JSON differs: "
                                 f"{ {k: (ra.get(k), rb.get(k)) for k in set(ra) | set(rb) if ra.get(k) != rb.get(k)} }")
            q_product = count_queries(connection, lambda: client.get(product, HTTP_AUTHORIZATION=f"Token {token}"))
            q_yardstick = count_queries(connection, lambda: client.get(yardstick, HTTP_AUTHORIZATION=f"Token {token}"))
            with override_settings(MIDDLEWARE=unrecorded):
                bare_client.get(product, HTTP_AUTHORIZATION=f"Token {token}")  # warm its middleware chain
            got = {"product": [], "values": [], "product_unrecorded": []}
            for _ in range(args.rounds):
                got["product"].append(timed(client, product, token, args.requests))
                got["values"].append(timed(client, yardstick, token, args.requests))
                with override_settings(MIDDLEWARE=unrecorded):
                    got["product_unrecorded"].append(timed(bare_client, product, token, args.requests))
            med = {k: round(statistics.median(w for w, _c in v), 1) for k, v in got.items()}
            cpu = {k: round(statistics.median(c for _w, c in v), 1) for k, v in got.items()}
            row = {"rps": med, "cpu_rps": cpu, "share_of_values": round(med["product"] / med["values"], 3),
                   "cpu_share_of_values": round(cpu["product"] / cpu["values"], 3),
                   "access_record_cpu_ms": round(1000 / cpu["product"] - 1000 / cpu["product_unrecorded"], 2),
                   "queries": {"product": q_product, "values": q_yardstick}}
            rows[name] = row
            print(f"{name:<16} product {med['product']:>7} req/s   .values() {med['values']:>7} req/s   "
                  f"share {row['share_of_values']:.0%} (CPU {row['cpu_share_of_values']:.0%})   "
                  f"queries {q_product} vs {q_yardstick}   access record {row['access_record_cpu_ms']} ms CPU/request",
                  flush=True)
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"list_endpoints-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps({"rows": rows, "requests": args.requests, "rounds": args.rounds,
                                "cpus": os.cpu_count()}, indent=2))
    print(f"written {path.relative_to(ROOT)}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL")
                        or "postgres://postgres@127.0.0.1:5432/iepteam_bench_lists")
    main(parser.parse_args())
