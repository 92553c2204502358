"""Benchmarks against the real stack: gunicorn + PostgreSQL (+ Redis), loopback only, bounded.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/orderly_bench REDIS_URL=redis://127.0.0.1:6379/8 \
        .venv/bin/python -m bench.run [--quick] [--duration 5]

Each product endpoint is measured beside its floor (bench/floor.py: the same queries in a plain
Django view) at 1, 8 and 32 concurrent clients with wrk; results are printed as a table and saved
to bench/results/latest.json.
"""

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
ROOT = Path(__file__).resolve().parent.parent
PORT = int(os.environ.get("BENCH_PORT", "8899"))
BASE = f"http://127.0.0.1:{PORT}"
CONCURRENCY = (1, 8, 32)
PARTS = ["http", "fanout", "latency", "sweep", "sync", "scale"]


def _wrk(url: str, headers: dict, connections: int, duration: int) -> dict:
    command = [
        "wrk",
        "-t",
        str(min(connections, 2)),
        "-c",
        str(connections),
        "-d",
        f"{duration}s",
        "--latency",
    ]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    out = subprocess.run(
        [*command, url], capture_output=True, text=True, timeout=duration + 30, check=True
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)

    def percentile(p):
        value, unit = re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    return {
        "rps": rps,
        "p50_ms": percentile(50),
        "p99_ms": percentile(99),
        "errors": int(non2xx.group(1)) if non2xx else 0,
    }


def _wait_ready(timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{BASE}/healthz", timeout=2) as response:  # noqa: S310 - loopback
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("gunicorn did not become ready")


def _check(url: str, headers: dict):
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - loopback
    # Generous: after a saturating run the server may still be working off its backlog.
    with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310
        assert response.status == 200, (url, response.status)


def _ensure_database():
    """Create the PostgreSQL database named by DATABASE_URL when it does not exist yet."""
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(os.environ.get("DATABASE_URL", "sqlite://"))
    if "postgresql" not in config["ENGINE"]:
        return
    params = {
        "host": config["HOST"] or None,
        "port": config["PORT"] or None,
        "user": config["USER"] or None,
        "password": config["PASSWORD"] or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{config["NAME"]}"')


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="a tenth of the data set, 2 s per run")
    parser.add_argument("--duration", type=int, default=None)
    parser.add_argument(
        "--only", nargs="+", choices=PARTS, default=PARTS, help="run only these parts (default: all)"
    )
    parser.add_argument(
        "--slices", type=int, default=1, help="alternate product and floor in this many slices of each run"
    )
    parser.add_argument(
        "--latency-rate", type=int, default=200, help="events per second for --only latency (default 200)"
    )
    parser.add_argument(
        "--latency-producers", type=int, default=4, help="producer processes for the latency part (default 4)"
    )
    parser.add_argument(
        "--latency-batch", type=int, default=10, help="events per transaction for the latency part (default 10)"
    )
    parser.add_argument(
        "--fanout-workers", type=int, default=2, help="worker processes for the fan-out (bin/run starts 2)"
    )
    parser.add_argument("--sync-orders", type=int, default=None, help="orders for the bridge sync (10,000)")
    parser.add_argument("--scale-rounds", type=int, default=10, help="rounds of the scale part (10 requests per endpoint and database each)")
    args = parser.parse_args()
    duration = args.duration or (2 if args.quick else 5)
    if "http" in args.only and not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")

    _ensure_database()
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    if not settings.IS_POSTGRES:
        print("warning: targets are defined on PostgreSQL; DATABASE_URL is not PostgreSQL", file=sys.stderr)
    call_command("migrate", verbosity=0)
    from bench import dataset, scenarios

    scale = 10 if args.quick else 1
    org = None
    if {"http", "sweep", "scale"} & set(args.only):
        print("data set:")
        org = dataset.dataset_ensure(factor=1 / scale)
    results = _http(org, duration, args.slices) if "http" in args.only else []
    fan = None
    if "fanout" in args.only:
        from bench.fanout import fanout

        fan = fanout(events=10_000 // scale, endpoints=100, concurrency=args.fanout_workers)
        print(
            f"\nwebhook fan-out: {fan['events']} deliveries to {fan['endpoints']} endpoints in {fan['product_s']:.2f} s"
            f" = {fan['product_per_s']:.0f}/s ({fan['worker_processes']} worker processes; receiver saw"
            f" {fan['receiver_distinct_ids']} ids) | floor {fan['floor_per_s']:.0f}/s | ratio {fan['ratio']:.2f}"
            " (target ≥ 1)"
        )
    latency = None
    if "latency" in args.only:
        from bench.fanout import steady_latency

        latency = steady_latency(
            rate=args.latency_rate,
            seconds=max(duration, 5) * 2,
            concurrency=args.fanout_workers,
            producers=args.latency_producers,
            batch=args.latency_batch,
        )
        print(
            f"\nsteady delivery latency at {latency['rate_per_s']}/s ({latency['events']} events,"
            f" {latency['batch']} per transaction from {latency['producers']} processes, achieved"
            f" {latency['achieved_rate_per_s']:.0f}/s, {latency['late_ticks']} late ticks): p50 {latency['p50_ms']:.1f} ms,"
            f" p99 {latency['p99_ms']:.1f} ms, max {latency['max_ms']:.1f} ms ({latency['arrived']} arrived)"
        )
    sweep = scenarios.expiry_sweep(org) if "sweep" in args.only else None
    if sweep:
        print(
            f"\nexpiry sweep: {sweep['rows']} rows in {sweep['service_s']:.3f} s; raw UPDATE {sweep['raw_s']:.3f} s;"
            f" ratio {sweep['ratio']:.2f} (target ≤ 3)"
        )
    synced = None
    if "sync" in args.only:
        from bench.sync import sync_bench

        synced = sync_bench(orders=args.sync_orders or 10_000 // scale)
        print(
            f"\nbridge sync: {synced['orders']} orders in {synced['pages']} pages in {synced['product_s']:.2f} s"
            f" = {synced['product_per_s']:.0f}/s | ingest service in a loop {synced['floor_per_s']:.0f}/s"
            f" | ratio {synced['ratio']:.2f}"
        )
    scaled = None
    if "scale" in args.only:
        from bench.scale import scale_bench

        print("\ncost in data size (in process, p50 per request):")
        scaled = scale_bench(rounds=args.scale_rounds)
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "latest.json").write_text(
        json.dumps(
            {
                "duration_s": duration,
                "http": results,
                "webhook_fanout": fan,
                "delivery_latency": latency,
                "expiry_sweep": sweep,
                "bridge_sync": synced,
                "scale": scaled,
            },
            indent=2,
        )
    )
    print(f"\nsaved {out / 'latest.json'}")


def _combined(runs: list[dict]) -> dict:
    """Slices of one measurement: mean throughput, the median slice's p50 and p99."""
    if len(runs) == 1:
        return runs[0]

    def median(key):
        return sorted(r[key] for r in runs)[len(runs) // 2]

    return {
        "rps": sum(r["rps"] for r in runs) / len(runs),
        "p50_ms": median("p50_ms"),
        "p99_ms": median("p99_ms"),
        "errors": sum(r["errors"] for r in runs),
        "slices": len(runs),
    }


def _http(org, duration: int, slices: int = 1) -> list[dict]:
    from bench import scenarios

    targets = scenarios.targets(org)

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "orderly.wsgi:application",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            os.environ.get("BENCH_WORKERS", "2"),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    results = []
    try:
        _wait_ready()
        for target in targets:
            for kind in ("product", "floor"):
                path = target[kind]
                if path is None:
                    continue
                _check(BASE + path, target["headers"])
            for c in CONCURRENCY:
                row = {"endpoint": target["name"], "clients": c}
                runs = {"product": [], "floor": []}
                # Product and floor alternate in slices, so a change in the machine's load during
                # the measurement falls on both alike.
                for _ in range(slices):
                    for kind in ("product", "floor"):
                        if target[kind]:
                            runs[kind].append(_wrk(BASE + target[kind], target["headers"], c, max(1, duration // slices)))
                row["product"] = _combined(runs["product"])
                if target["floor"]:
                    row["floor"] = _combined(runs["floor"])
                    row["ratio"] = round(row["product"]["rps"] / row["floor"]["rps"], 2)
                results.append(row)
                _print_row(row)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
    return results


def _print_row(row):
    product = row["product"]
    floor = row.get("floor")
    line = (
        f"{row['endpoint']:<34} c={row['clients']:<3} {product['rps']:>8.0f} rps  p50 {product['p50_ms']:>7.2f} ms"
        f"  p99 {product['p99_ms']:>7.2f} ms"
    )
    if floor:
        line += (
            f" | floor {floor['rps']:>8.0f} rps  p99 {floor['p99_ms']:>7.2f} ms | ratio {row['ratio']:.2f}"
        )
    if product["errors"]:
        line += f"  ({product['errors']} non-2xx!)"
    print(line, flush=True)


if __name__ == "__main__":
    main()
