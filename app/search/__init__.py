"""Search: the index of posts (a rebuildable cache of the database), the search page, similar posts.

init_app() wires the package into the app: the index folder, the queue's session events (imported
with app.search.sync), the blueprint, the duplicate finder that the post form asks on submit
(app.posts.duplicates), the similar-posts panels (template hooks), and the commands.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from app.core.cache import vary_whole_site_pages
    from app.posts.duplicates import set_duplicate_finder
    from app.search import sync  # noqa: F401  (session events)
    from app.search.backend import init_backend
    from app.search.cli import search_cli, search_worker_tasks, worker_command
    from app.search.panels import register_hooks
    from app.search.routes import bp
    from app.search.similar import find_likely_duplicate
    from app.search.store import init_store

    backend = init_backend(app, init_store(app))
    vary_whole_site_pages(app, backend.version)  # search results; the index is written after the commit
    app.register_blueprint(bp)
    set_duplicate_finder(app, find_likely_duplicate)
    register_hooks(app)
    app.cli.add_command(search_cli)
    app.cli.add_command(worker_command)
    search_worker_tasks(app)
