"""One simulated resident of bench/load.py: its own cookies and connection, a mix of steps, think time.

Every write that got a success answer is remembered (votes held, comments and posts by a unique
token) so that bench/load_verify.py can count them in the database. A write whose answer never came
(a connection cut by a killed worker) is remembered as unknown: it may or may not have committed.
"""

from __future__ import annotations

import http.client
import io
import random
import re
import threading
import time
import uuid
from collections import defaultdict

PHOTO: bytes = b""
THINK = (0.5, 2.5)  # seconds between steps
STEPS = [  # (weight, step)
    (30, "list"),
    (30, "post"),
    (12, "search"),
    (14, "vote"),
    (6, "comment"),
    (4, "new_post"),
    (2, "new_post_photo"),
]
WORDS = ["چاله", "آب", "اتوبوس", "پارک", "چراغ", "زباله", "street", "light", "درخت", "ترافیک"]
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
POST_LINK = re.compile(r'href="/posts/(\d+)"')


def make_photo() -> None:
    global PHOTO
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (180, 120, 60)).save(buffer, "JPEG", quality=80)
    PHOTO = buffer.getvalue()


class Tally:
    """Latencies by kind, answers by status class, connection errors: shared by every resident."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = defaultdict(list)
        self.statuses: dict[int, int] = defaultdict(int)
        self.refused: dict[str, int] = defaultdict(int)  # 4xx by kind
        self.errors = 0

    def add(self, kind: str, seconds: float, status: int | None) -> None:
        with self.lock:
            if status is None:
                self.errors += 1
                return
            self.times[kind].append(seconds)
            self.statuses[status // 100] += 1
            if status // 100 == 4:
                self.refused[kind] += 1

    def count(self) -> int:
        return sum(len(t) for t in self.times.values())

    def status(self, hundred: int) -> int:
        return self.statuses.get(hundred, 0)

    def latencies(self):
        for kind in sorted(self.times):
            values = sorted(self.times[kind])
            n = len(values)

            def at(q: float, values=values, n=n) -> float:
                return values[min(n - 1, int(q * n))] * 1000

            yield kind, n, self.refused.get(kind, 0), at(0.5), at(0.95), at(0.99), values[-1] * 1000


class Resident:
    def __init__(self, n, port, password, tally, offset, stop_at, ramp):
        self.n, self.port, self.password, self.tally = n, port, password, tally
        self.email = f"load{n}@example.org"
        self.rng = random.Random(n)
        self.start_after, self.stop_at = offset * ramp, stop_at
        self.cookies: dict[str, str] = {}
        self.connection: http.client.HTTPConnection | None = None
        self.post_ids: list[int] = []
        self.votes: dict[int, int] = {}  # post id -> vote held (0: none), as acknowledged
        self.unknown_votes: set[int] = set()
        self.comments: list[tuple[int, str]] = []  # acknowledged (post id, body)
        self.posts: list[str] = []  # titles acknowledged
        self.unknown: list[str] = []  # tokens of writes sent without an answer

    @staticmethod
    def wait_until_up(port: int, seconds: float = 60) -> None:
        deadline = time.time() + seconds
        while time.time() < deadline:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                connection.request("GET", "/healthz")
                if connection.getresponse().status == 200:
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("the server did not start")

    # ------------------------------------------------------------------------------------ HTTP

    def request(self, kind, method, path, body=None, content_type=None, extra=None) -> tuple[int | None, str, dict]:
        # A new connection per step: a browser retries a keep-alive connection the server closed during the
        # think time, which http.client does not (it would count as a connection error).
        headers = {
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            "Accept-Language": "fa",
            "Connection": "close",
            **(extra or {}),
        }
        if content_type:
            headers["Content-Type"] = content_type
        started = time.perf_counter()
        try:
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            text = response.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException):
            self.tally.add(kind, time.perf_counter() - started, None)
            self.connection = None
            return None, "", {}
        self.tally.add(kind, time.perf_counter() - started, response.status)
        for value in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = value.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        self.connection.close()
        self.connection = None
        return response.status, text, dict(response.headers)

    def form(self, kind, path, fields: dict, files: list | None = None, extra: dict | None = None):
        token = self.csrf
        if files is None:
            from urllib.parse import urlencode

            body = urlencode({**fields, "csrf_token": token}).encode()
            return self.request(kind, "POST", path, body, "application/x-www-form-urlencoded", extra)
        boundary = uuid.uuid4().hex
        parts = []
        for name, value in {**fields, "csrf_token": token}.items():
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
        for name, filename, data in files:
            head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            parts.append(head.encode() + b"Content-Type: image/jpeg\r\n\r\n" + data + b"\r\n")
        parts.append(f"--{boundary}--\r\n".encode())
        return self.request(kind, "POST", path, b"".join(parts), f"multipart/form-data; boundary={boundary}")

    # ----------------------------------------------------------------------------------- steps

    def live(self) -> None:
        time.sleep(self.start_after)
        if not self.sign_in():
            return
        weights, steps = zip(*STEPS, strict=True)
        while time.monotonic() < self.stop_at:
            getattr(self, "step_" + self.rng.choices(steps, weights)[0])()
            time.sleep(self.rng.uniform(*THINK))

    def sign_in(self) -> bool:
        status, text, _ = self.request("sign-in page", "GET", "/login")
        match = CSRF.search(text)
        if status != 200 or not match:
            return False
        self.csrf = match.group(1)
        status, _, _ = self.form("sign-in", "/login", {"email": self.email, "password": self.password})
        if status != 302:
            return False
        self.step_list()
        return True

    def _remember(self, text: str) -> None:
        ids = [int(i) for i in POST_LINK.findall(text)]
        if ids:
            self.post_ids = ids
        match = CSRF.search(text)
        if match:
            self.csrf = match.group(1)

    def step_list(self) -> None:
        page = self.rng.choice(["/", "/posts", "/posts?page=2", "/posts?sort=new"])
        status, text, _ = self.request("list", "GET", page)
        if status == 200:
            self._remember(text)

    def step_post(self) -> None:
        if self.post_ids:
            status, text, _ = self.request("post page", "GET", f"/posts/{self.rng.choice(self.post_ids)}")
            if status == 200:
                match = CSRF.search(text)
                self.csrf = match.group(1) if match else self.csrf

    def step_search(self) -> None:
        from urllib.parse import quote

        self.request("search", "GET", f"/search?q={quote(self.rng.choice(WORDS))}")

    def step_vote(self) -> None:
        if not self.post_ids:
            return
        post_id = self.rng.choice(self.post_ids)
        # as the page's script sends it: a refused vote is a 422 here, not a redirect with a message
        status, _, _ = self.form("vote", f"/posts/{post_id}/vote", {"value": "1"}, extra={"HX-Request": "true"})
        if status == 200:
            self.votes[post_id] = 0 if self.votes.get(post_id) == 1 else 1  # the same vote again takes it back
        elif status is None or status >= 500:
            self.unknown_votes.add(post_id)

    def step_comment(self) -> None:
        if not self.post_ids:
            return
        post_id, body = self.rng.choice(self.post_ids), f"نظر آزمون بار {uuid.uuid4().hex}"
        status, _, _ = self.form("comment", f"/posts/{post_id}/comments", {"body": body})
        if status == 302:
            self.comments.append((post_id, body))
        elif status is None or status >= 500:
            self.unknown.append(body)

    def step_new_post(self, photo: bool = False) -> None:
        title = f"گزارش آزمون بار {uuid.uuid4().hex[:12]}"
        fields = {
            "kind": "problem",
            "title": title,
            "body": f"{title}: توضیح کوتاهی درباره یک مشکل در محله برای آزمون بار سامانه.",
            "category": "1",
            "post_anyway": "1",
        }
        files = [("photos", "photo.jpg", PHOTO)] if photo else None
        status, _, _ = self.form("new post" + (" + photo" if photo else ""), "/posts/new", fields, files)
        if status == 302:
            self.posts.append(title)
        elif status is None or status >= 500:
            self.unknown.append(title)

    def step_new_post_photo(self) -> None:
        self.step_new_post(photo=True)
