"""A small closed-loop load driver: N threads, each a keep-alive HTTP client, for a fixed time.

    python bench/load.py --port 8001 --clients clients.json --concurrency 8 --seconds 10 \
        --out result.json

`clients.json` is a list of {"cookie": "sessionid=...", "paths": ["/children/12/", ...]}; thread i
plays client i modulo the list, asking for its paths in turn from a random start. Requests go to
127.0.0.1 only, carry `X-Forwarded-Proto: https` (as behind the TLS proxy production settings
expect) and stop when the time is up. Latencies of the warm-up are dropped. The result has p50,
p95 and p99 in milliseconds, requests per second, status counts and this process's peak memory.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import resource
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any


def percentile(sorted_values: list[float], fraction: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, round(fraction * (len(sorted_values) - 1))))
    return sorted_values[index]


def client_loop(
    port: int,
    client: dict[str, Any],
    seed: int,
    warm_until: float,
    stop_at: float,
    latencies: list[float],
    statuses: Counter[int],
    lock: threading.Lock,
) -> None:
    rng = random.Random(seed)  # noqa: S311 - which page to ask for next
    paths: list[str] = client["paths"]
    turn = rng.randrange(len(paths))
    headers = {"Cookie": client["cookie"], "X-Forwarded-Proto": "https", "Host": "127.0.0.1"}
    mine: list[float] = []
    seen: Counter[int] = Counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    while True:
        now = time.perf_counter()
        if now >= stop_at:
            break
        path = paths[turn % len(paths)]
        turn += 1
        try:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            response.read()
            status = response.status
            if response.getheader("Connection", "").lower() == "close":
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        except (OSError, http.client.HTTPException):
            status = 0
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        elapsed = time.perf_counter() - now
        if now >= warm_until:
            mine.append(elapsed)
            seen[status] += 1
    connection.close()
    with lock:
        latencies.extend(mine)
        statuses.update(seen)


def run(
    port: int, clients: list[dict[str, Any]], concurrency: int, seconds: float, warmup: float
) -> dict[str, Any]:
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    lock = threading.Lock()
    start = time.perf_counter()
    warm_until, stop_at = start + warmup, start + warmup + seconds
    threads = [
        threading.Thread(
            target=client_loop,
            args=(
                port,
                clients[i % len(clients)],
                i,
                warm_until,
                stop_at,
                latencies,
                statuses,
                lock,
            ),
        )
        for i in range(concurrency)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies.sort()
    ok = statuses.get(200, 0)
    return {
        "concurrency": concurrency,
        "seconds": seconds,
        "requests": len(latencies),
        "ok": ok,
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "throughput": round(ok / seconds, 1),
        "p50_ms": round(percentile(latencies, 0.50) * 1000, 1),
        "p95_ms": round(percentile(latencies, 0.95) * 1000, 1),
        "p99_ms": round(percentile(latencies, 0.99) * 1000, 1),
        "driver_peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--clients", type=Path, required=True)
    parser.add_argument("--concurrency", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--warmup", type=float, default=1.5)
    parser.add_argument("--out", type=Path, required=True)
    options = parser.parse_args()
    clients = json.loads(options.clients.read_text())
    result = run(options.port, clients, options.concurrency, options.seconds, options.warmup)
    options.out.write_text(json.dumps(result))


if __name__ == "__main__":
    main()
