"""Search: the index of posts (a rebuildable cache of the database), and the search page.

init_app() wires the package into the app: the index folder, the queue's session events (imported
with app.search.sync), the blueprint and the commands.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from app.search import sync  # noqa: F401  (session events)
    from app.search.cli import search_cli, worker_command
    from app.search.routes import bp
    from app.search.store import init_store

    init_store(app)
    app.register_blueprint(bp)
    app.cli.add_command(search_cli)
    app.cli.add_command(worker_command)
