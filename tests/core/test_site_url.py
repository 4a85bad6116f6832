"""Links in e-mails and exports point where the site runs: `make run` with PORT sets the site's
address, unless SITE_URL is configured (instance/config.py or SHAHRVAND_SITE_URL)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from flask import Flask

from app.config import load_config

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def bare_app(tmp_path, monkeypatch):
    """A Flask app whose configuration is loaded as `make run` loads it (instance folder, environment)."""
    monkeypatch.delenv("SHAHRVAND_SITE_URL", raising=False)
    monkeypatch.delenv("PORT", raising=False)
    return Flask("shahrvand_site_url_test", instance_path=str(tmp_path / "instance"), instance_relative_config=True)


def test_the_site_url_follows_the_port_the_site_runs_on(bare_app, monkeypatch):
    monkeypatch.setenv("PORT", "8123")
    load_config(bare_app)
    assert bare_app.config["SITE_URL"] == "http://127.0.0.1:8123"


def test_without_a_port_the_site_url_is_port_5000(bare_app):
    load_config(bare_app)
    assert bare_app.config["SITE_URL"] == "http://127.0.0.1:5000"


@pytest.mark.parametrize("port", ["", "abc", "0", "70000", "۸۰۸۰", " 8080 "])
def test_a_port_that_is_no_port_number_gives_port_5000_or_is_read_plainly(bare_app, monkeypatch, port):
    monkeypatch.setenv("PORT", port)
    load_config(bare_app)
    assert bare_app.config["SITE_URL"] == ("http://127.0.0.1:8080" if port == " 8080 " else "http://127.0.0.1:5000")


def test_a_configured_site_url_wins_over_the_port(bare_app, monkeypatch):
    monkeypatch.setenv("PORT", "8123")
    monkeypatch.setenv("SHAHRVAND_SITE_URL", "https://shahrvand.example")
    load_config(bare_app)
    assert bare_app.config["SITE_URL"] == "https://shahrvand.example"
    assert bare_app.config["SESSION_COOKIE_SECURE"] is True  # derived from the configured address


def test_a_site_url_in_instance_config_wins_over_the_port(bare_app, monkeypatch):
    monkeypatch.setenv("PORT", "8123")
    Path(bare_app.instance_path).mkdir()
    (Path(bare_app.instance_path) / "config.py").write_text('SITE_URL = "https://city.example/shahrvand"\n')
    load_config(bare_app)
    assert bare_app.config["SITE_URL"] == "https://city.example/shahrvand"


def test_tests_do_not_read_the_port_from_the_environment(app_config, monkeypatch, tmp_path):
    monkeypatch.setenv("PORT", "8123")
    app = Flask("shahrvand_site_url_test", instance_path=str(tmp_path / "instance"))
    load_config(app, app_config)
    assert app.config["SITE_URL"] == "http://127.0.0.1:5000"


def test_an_email_link_uses_the_address_of_the_port(app):
    from app.core.urls import absolute_url

    app.config["SITE_URL"] = "http://127.0.0.1:8123"
    with app.test_request_context():
        assert absolute_url("posts.show", post_id=7) == "http://127.0.0.1:8123/posts/7"


def _fake_run(tmp_path: Path, env: dict) -> list[str]:
    """Run scripts/run.sh with stand-ins for flask and gunicorn that write down their arguments and PORT."""
    shutil.copy(ROOT / "scripts" / "run.sh", tmp_path / "run.sh")
    bin_dir = tmp_path / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    log = tmp_path / "log"
    (bin_dir / "flask").write_text(f'#!/bin/sh\necho "flask $* PORT=${{PORT:-}}" >> "{log}.worker"\n')
    # The web server waits for the worker's line: run.sh stops the worker as soon as the server returns.
    (bin_dir / "gunicorn").write_text(
        f'#!/bin/sh\nfor i in $(seq 50); do [ -s "{log}.worker" ] && break; sleep 0.1; done\n'
        f'echo "gunicorn $* PORT=${{PORT:-}}" >> "{log}"\n'
    )
    for name in ("flask", "gunicorn"):
        (bin_dir / name).chmod(0o755)
    clean = {k: v for k, v in os.environ.items() if k != "PORT"}
    subprocess.run(["sh", "run.sh"], cwd=tmp_path, env=clean | env, check=True, timeout=30)
    return (tmp_path / "log.worker").read_text().splitlines() + log.read_text().splitlines()


def test_run_sh_serves_on_port_and_hands_it_to_the_server_and_the_worker(tmp_path):
    worker, server = _fake_run(tmp_path, {"PORT": "8123"})
    assert worker == "flask worker PORT=8123"
    assert "--bind 127.0.0.1:8123" in server and server.endswith("PORT=8123")


def test_run_sh_without_a_port_serves_on_5000_and_says_so_to_both(tmp_path):
    worker, server = _fake_run(tmp_path, {})
    assert worker == "flask worker PORT=5000"
    assert "--bind 127.0.0.1:5000" in server and server.endswith("PORT=5000")
