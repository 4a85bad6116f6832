"""Peak memory and time to receive one post's photos, each case in a fresh process.

Cases: three 6300×6300 PNGs of flat colour (about 150 kB each: the decompression-friendly files
that once took 16.5 s and raised a worker from 137 MB to 649 MB), and three 12 MP photo-like JPEGs
(the usual phone upload). Peak memory is the most the process's resident size grew while receiving
the photos, sampled every 2 ms from /proc (so Pillow's C buffers count too).

    .venv/bin/python bench/photos.py [--json]
"""

from __future__ import annotations

import argparse
import io
import json
import multiprocessing
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _png(side: int, shade: int) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (side, side), (120, 130, shade)).save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def _photo_jpeg(shift: float, width: int = 4000, height: int = 3000) -> bytes:
    from PIL import Image

    box = (-2.2 + shift, -1.2, 1.0 + shift, 1.2)
    base = Image.effect_mandelbrot((width // 4, height // 4), box, 80).convert("RGB")
    buffer = io.BytesIO()
    base.resize((width, height)).save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


class _Upload:
    def __init__(self, data: bytes, name: str):
        self.stream, self.filename = io.BytesIO(data), name


def _rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * 4096 / 2**20


class _PeakSampler(threading.Thread):
    def __init__(self):
        super().__init__(daemon=True)
        self.base = self.peak = _rss_mb()
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.002):
            self.peak = max(self.peak, _rss_mb())


class _User:
    id = 1
    is_authenticated = True


def _case(files: list[bytes], queue) -> None:
    from app import create_app
    from app.posts import photos

    with tempfile.TemporaryDirectory() as workdir:
        app = create_app(
            {
                "SECRET_KEY": "bench",
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir}/bench.sqlite3",
                "SEARCH_INDEX_DIR": f"{workdir}/index",
                "UPLOAD_DIR": f"{workdir}/uploads",
            }
        )
        sampler = _PeakSampler()
        sampler.start()
        with app.test_request_context():
            started = time.perf_counter()
            staged, errors = photos.receive_uploads(
                [_Upload(data, f"photo{n}") for n, data in enumerate(files)], [], _User(), room=3
            )
            seconds = time.perf_counter() - started
        sampler.done.set()
        sampler.join()
        app.extensions["search_store"].close()
    peak = sampler.peak - sampler.base
    queue.put({"seconds": seconds, "peak_mb": peak, "kept": len(staged), "refused": len(errors)})


def run(name: str, files: list[bytes]) -> dict:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_case, args=(files, queue))
    process.start()
    result = queue.get(timeout=600)
    process.join()
    kb = sum(len(f) for f in files) // 1024
    return {"case": name, "upload_kb": kb, **result}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    pngs = [_png(6300, shade) for shade in (60, 140, 220)]
    jpegs = [_photo_jpeg(shift) for shift in (0.0, 0.05, 0.1)]
    results = [run("3 PNG 6300x6300 (flat)", pngs), run("3 JPEG 4000x3000 (photo-like)", jpegs)]
    for r in results:
        if args.json:
            print(json.dumps(r))
        else:
            print(
                f"photos per post: {r['case']:<30} upload {r['upload_kb']:>6} kB  "
                f"peak +{r['peak_mb']:.0f} MB  {r['seconds']:.2f} s  kept {r['kept']}, refused {r['refused']}"
            )


if __name__ == "__main__":
    main()
