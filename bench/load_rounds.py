"""The load generator's side of bench/pages.py: requests per second through wrk (or a Python client
when wrk is not installed), and the visits that warm pages up before they are measured."""

from __future__ import annotations

import http.client
import itertools
import os
import random
import subprocess
import tempfile
import threading
import time

from bench.post_pages import lua_script


def settle(port: int) -> None:
    """Wait until both workers are free: a slow page's requests still queued from the round before
    would otherwise eat the next round (a bare round of 0 requests)."""
    for _ in range(2):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        conn.request("GET", "/healthz")
        conn.getresponse().read()


def wrk_rps(port: int, paths: list[str], seconds: float, cookie: str | None = None, fresh: bool = False) -> float:
    settle(port)
    header = ["-H", f"Cookie: {cookie}"] if cookie else []
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(lua_script(paths, fresh))
    out = subprocess.run(
        ["wrk", "-t2", "-c16", f"-d{max(1, round(seconds))}s", *header, "-s", script.name, f"http://127.0.0.1:{port}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    os.unlink(script.name)
    if "Non-2xx" in out:
        raise RuntimeError(f"errors while measuring {paths[:2]}:\n{out}")
    return float(next(line.split()[1] for line in out.splitlines() if line.startswith("Requests/sec")))


def python_rps(port: int, paths: list[str], seconds: float, cookie: str | None = None, fresh: bool = False) -> float:
    settle(port)
    done = [0]
    nonce, asked = random.randrange(10**9), itertools.count()
    stop = time.time() + seconds
    headers = {"Cookie": cookie} if cookie else {}

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port)
        while time.time() < stop:
            path = random.choice(paths) + (f"?first={nonce}-{next(asked)}" if fresh else "")
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                raise RuntimeError(f"{response.status} on {paths[:2]}")
            done[0] += 1

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return done[0] / seconds


def warm_up(port: int, paths: list[str], visits: int = 8, cookie: str | None = None) -> None:
    """Ask for every path `visits` times over 8 connections, so that both workers have (almost surely)
    rendered and cached each page once: the rounds then measure the steady state. The rounds with
    the page cache off show what rendering a page costs."""
    queue = [path for path in paths for _ in range(visits)]
    random.Random(0).shuffle(queue)
    lock = threading.Lock()

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port)
        while True:
            with lock:
                if not queue:
                    return
                path = queue.pop()
            conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                raise RuntimeError(f"{response.status} on {path}")

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
