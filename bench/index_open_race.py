"""Opening the index folder while another process commits: how often the open fails.

One process commits one-document segments in a loop (each commit removes the older tables of
contents); another opens the folder afresh in a loop, as a process does on its first search and after
a rebuild. Counts the opens and the failures, through the app's `_open_dir` and through whoosh's
`index.open_dir` alone (which does not look the folder up again), for the same number of seconds each.

    .venv/bin/python bench/index_open_race.py [--seconds 10] [--rounds 3]
"""

from __future__ import annotations

import argparse
import multiprocessing
import queue
import shutil
import sys
import tempfile
import time
from pathlib import Path

from whoosh import index
from whoosh.fields import ID, TEXT, Schema

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _commit_in_a_loop(folder: str, stop) -> None:
    ix = index.open_dir(folder)
    number = 0
    while not stop.is_set():
        writer = ix.writer()
        writer.update_document(id=str(number % 50), body=f"word{number} and some other words")
        writer.commit()
        number += 1


def _open_in_a_loop(folder: str, how: str, seconds: float, results) -> None:
    from app.search.store import _open_dir

    opens, failures = 0, 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            _open_dir(Path(folder)) if how == "app" else index.open_dir(folder)
            opens += 1
        except Exception:
            failures += 1
    results.put((opens, failures))


def race(how: str, seconds: float) -> tuple[int, int]:
    folder = tempfile.mkdtemp(prefix="index-open-race-")
    stop, results = multiprocessing.Event(), multiprocessing.Queue()
    writer = multiprocessing.Process(target=_commit_in_a_loop, args=(folder, stop))
    opener = multiprocessing.Process(target=_open_in_a_loop, args=(folder, how, seconds, results))
    try:
        index.create_in(folder, Schema(id=ID(stored=True, unique=True), body=TEXT))
        writer.start()
        opener.start()
        try:
            return results.get(timeout=seconds + 60)
        except queue.Empty:
            raise SystemExit(f"the {how} opener gave no figures (exit status {opener.exitcode})") from None
    finally:  # an opener or a writer that failed leaves no process behind
        stop.set()
        for process in (opener, writer):
            if process.pid is not None:
                process.join(timeout=30)
                if process.is_alive():
                    process.kill()
                    process.join()
        shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    for round_number in range(1, args.rounds + 1):
        for how in ("whoosh", "app"):  # in alternation: the machine's speed changes from minute to minute
            opens, failures = race(how, args.seconds)
            print(f"round {round_number}, {how:6}: {opens} opens, {failures} failed ({args.seconds:g} s)", flush=True)


if __name__ == "__main__":
    main()
