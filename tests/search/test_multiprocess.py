"""Several processes writing at once, and one killed in the middle of a drain: nothing is lost.

Runs bench/index_sync.py (real processes on one SQLite file and one index folder) with small numbers;
the bench itself prints the same figures at full size (docs/decisions/0014-search-index.md).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.backends("whoosh")  # the index folder and its queue

BENCH = Path(__file__).resolve().parents[2] / "bench" / "index_sync.py"


def test_concurrent_writers_lose_nothing_and_a_killed_drain_is_finished_by_another_process():
    output = subprocess.run(
        [sys.executable, str(BENCH), "--writes", "12", "--processes", "3", "--json"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert output.returncode == 0, output.stderr  # a writer's traceback, not only an exit code
    report = json.loads(output.stdout.strip().splitlines()[-1])
    (writers,) = report["rounds"]
    assert writers["commits"] == 36
    assert (writers["missing"], writers["stale"], writers["extra"], writers["queued"]) == (0, 0, 0, 0)
    assert writers["lag_max_ms"] < 30_000  # every commit became searchable (the wait gives up at 30 s)

    killed = report["killed"]
    assert killed["returncode"] == -9
    assert killed["after_kill"]["queued"] == 20 and killed["after_kill"]["missing"] == 20  # nothing half-written
    assert killed["drained"] == 20
    after = killed["after_worker"]
    assert (after["missing"], after["stale"], after["queued"]) == (0, 0, 0)
