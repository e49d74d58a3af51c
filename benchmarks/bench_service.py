"""Benchmark: the HTTP service on loopback. Run by hand; figures go in docs/service.md.

    python benchmarks/bench_service.py [--requests 3000] [--workers 1 2] [--concurrency 1 16 64]

For each worker count it starts ``legalaid-rules serve`` on 127.0.0.1 (a free port), records
the startup time (process start to the first answer on ``/healthz``, and to ``/readyz``), then
posts varied Anqing applications to ``/v1/decisions`` from an asyncio client with keep-alive
connections at each concurrency: decisions per second and p50/p99 latency. Every request count
is bounded; the server is stopped at the end. Only 127.0.0.1 is ever contacted.

The client is a minimal HTTP/1.1 client on asyncio streams (no client library's overhead in
the figures), and it shares the machine's cores with the server: on a 2-core host the figures
understate what the server alone can do. Targets (issue 14): p50 <= 2 ms and p99 <= 10 ms at
concurrency 16 with one worker; >= 1,500 decisions/s with one worker; serve starts in <= 1 s.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_evaluate import varied_applications

HOST = "127.0.0.1"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            return int(r.status)
    except Exception:
        return 0


def start(workers: int) -> tuple[subprocess.Popen[bytes], int, float, float]:
    """Start `serve`; return the process, its port, seconds to /healthz and to /readyz."""
    port = _free_port()
    exe = Path(sys.executable).with_name("legalaid-rules")
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [str(exe), "serve", "--host", HOST, "--port", str(port), "--workers", str(workers)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    up = ready = 0.0
    deadline = t0 + 60
    while time.perf_counter() < deadline:
        if not up and _get(f"http://{HOST}:{port}/healthz") == 200:
            up = time.perf_counter() - t0
        if up and _get(f"http://{HOST}:{port}/readyz") == 200:
            ready = time.perf_counter() - t0
            break
        time.sleep(0.01)
    if not ready:
        proc.kill()
        raise SystemExit("the service did not become ready within 60 s")
    return proc, port, up, ready


def _request(port: int, body: bytes) -> bytes:
    head = (
        f"POST /v1/decisions HTTP/1.1\r\nHost: {HOST}:{port}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode("ascii") + body


async def _one(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, raw: bytes) -> tuple[int, float]:
    t = time.perf_counter()
    writer.write(raw)
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1])
    await reader.readexactly(length)
    return status, time.perf_counter() - t


async def drive(
    port: int, bodies: list[bytes], concurrency: int, total: int
) -> tuple[float, list[float], int]:
    """Send ``total`` requests over ``concurrency`` keep-alive connections; rate, latencies, errors."""
    raws = [_request(port, b) for b in bodies]
    latencies: list[float] = []
    errors = 0
    counter = iter(range(total))

    async def worker() -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection(HOST, port)
        try:
            for i in counter:
                status, took = await _one(reader, writer, raws[i % len(raws)])
                latencies.append(took)
                errors += status != 200
        finally:
            writer.close()

    t0 = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - t0
    return total / elapsed, latencies, errors


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=3000, help="requests per concurrency level")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 16, 64])
    args = parser.parse_args()
    apps = varied_applications(200)
    bodies = [
        json.dumps(
            {"pack": "anhui/anqing", "application": a.model_dump(mode="json", exclude_none=True)}
        ).encode()
        for a in apps
    ]
    print(f"host: {os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}; {args.requests} requests per level")
    for workers in args.workers:
        proc, port, up, ready = start(workers)
        try:
            print(f"workers={workers}: serve answered /healthz after {up:.2f} s, /readyz after {ready:.2f} s")
            asyncio.run(drive(port, bodies, 4 * workers, 200 * workers))  # warm every worker
            for c in args.concurrency:
                rate, lat, errors = asyncio.run(drive(port, bodies, c, args.requests))
                print(
                    f"  concurrency {c:>3}: {rate:8.0f} decisions/s  p50 {_pct(lat, 0.50):6.2f} ms"
                    f"  p99 {_pct(lat, 0.99):6.2f} ms  mean {statistics.fmean(lat) * 1000:6.2f} ms"
                    f"  non-200: {errors}"
                )
        finally:
            proc.terminate()
            proc.wait(30)


if __name__ == "__main__":
    main()
