"""Sign-in costs that an attacker could read: known against unknown addresses, and the price of checks.

With the production Argon2id cost, times `authenticate()` for a known address with a wrong password,
an unknown address, and a known address while it is slowed down; the sign-up of a new address against
one that already has an account; the common-password check; and loading the signed-in user.

    .venv/bin/python bench/accounts.py [--rounds 20]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _paired_ms(first, second, rounds: int) -> tuple[float, float]:
    """Median times of two actions measured in turn, so that a busy machine weighs on both alike."""
    a, b = [], []
    for _ in range(rounds):
        for action, times in ((first, a), (second, b)):
            start = time.perf_counter()
            action()
            times.append((time.perf_counter() - start) * 1000)
    return statistics.median(a), statistics.median(b)


def _median_ms(action, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    rounds = parser.parse_args().rounds

    from app import create_app
    from app.accounts import passwords, services
    from app.core.cache import ensure_generation_row
    from app.extensions import db

    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {
                "SECRET_KEY": "bench",
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(folder) / 'accounts.sqlite3'}",
                "SEARCH_INDEX_DIR": str(Path(folder) / "index"),
                "LOGIN_FREE_FAILURES": 10**9,  # measure the checks, not the slow-down
            }
        )
        with app.app_context(), app.test_request_context():
            db.create_all()
            ensure_generation_row()
            user = services.create_user(email="known@example.org", display_name="Known", password="a-good-password")
            key = services.start_session(user)
            db.session.commit()

            def attempt(email):
                services.authenticate(email, "wrong password")
                db.session.rollback()

            known, unknown = _paired_ms(
                lambda: attempt("known@example.org"), lambda: attempt("nobody@example.org"), rounds
            )
            print(
                f"sign-in failure, known address: {known:.1f} ms; unknown address: {unknown:.1f} ms; "
                f"ratio unknown/known {unknown / known:.2f}"
            )

            def sign_up(email):
                services.sign_up(email=email, display_name="Someone", password="a-good-password")
                db.session.rollback()

            new, taken = _paired_ms(lambda: sign_up("new@example.org"), lambda: sign_up("known@example.org"), rounds)
            print(
                f"sign-up, new address: {new:.1f} ms; taken address: {taken:.1f} ms; ratio taken/new {taken / new:.2f}"
            )

            common = _median_ms(lambda: passwords.is_common_password("a-good-password"), rounds * 50) * 1000
            print(f"common-password check: {common:.1f} µs (list of {len(passwords._common_passwords())} entries)")
            load = _median_ms(lambda: services.load_user(f"{user.id}:{key}"), rounds * 10) * 1000
            print(f"loading the signed-in user (one indexed join): {load:.0f} µs")


if __name__ == "__main__":
    main()
