#!/bin/sh
# `make run`: the web server and `flask worker` beside it (the worker keeps the search index in step
# and rebuilds it if it goes missing or is damaged). Ctrl-C stops both.
set -eu
BIN=.venv/bin
# Exported for the web server and the worker alike: without SHAHRVAND_SITE_URL (or SITE_URL in
# instance/config.py), links in e-mails and CSV exports point at http://127.0.0.1:$PORT (app/config.py).
PORT=${PORT:-5000}
export PORT
# One web process by default: the embedded default keeps rate limits in memory (memory://), and
# with several processes each would count on its own, letting through that many times a limit.
# WEB_WORKERS=2 with SHAHRVAND_RATELIMIT_STORAGE_URI=redis://… for more.
WEB_WORKERS=${WEB_WORKERS:-1}

"$BIN/flask" worker &
worker=$!
trap 'kill "$worker" 2>/dev/null || true' EXIT INT TERM

# Several processes: a worker that dies (or is killed) takes only its own requests with it (no more
# than its threads: it accepts no connection it cannot serve at once; the others wait in the kernel's
# queue for a live worker), and the graceful timeout lets requests in flight finish on a restart
# (kill -HUP) or a stop.
"$BIN/gunicorn" --workers "$WEB_WORKERS" --threads 8 --worker-connections 8 --graceful-timeout 30 \
    --bind "127.0.0.1:$PORT" --access-logfile - 'app:create_app()'
