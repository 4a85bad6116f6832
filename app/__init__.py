"""Shahrvand: residents report problems and propose ideas; the city answers in public."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None) -> Flask:
    """Build the application; test_config replaces instance/config.py and the environment."""
    app = Flask(
        __name__,
        instance_path=os.environ.get("SHAHRVAND_INSTANCE_PATH") or str(ROOT / "instance"),
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    from app.config import load_config

    load_config(app, test_config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    _init_extensions(app)
    from app.core.web import install_converters

    install_converters(app)
    _register_blueprints(app)

    from app.core import errors, security, web

    errors.register(app)
    web.register(app)
    security.register(app)
    _register_commands(app)
    from app import search

    search.init_app(app)
    return app


def _init_extensions(app: Flask) -> None:
    from app.core.db import configure_engine
    from app.core.i18n import select_locale
    from app.extensions import babel, csrf, db, limiter, login_manager, migrate

    import_models()
    db.init_app(app)
    with app.app_context():
        configure_engine(db.engine, busy_timeout_ms=app.config["SQLITE_BUSY_TIMEOUT_MS"])
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale, default_translation_directories="translations")
    limiter.init_app(app)
    login_manager.init_app(app)


def import_models() -> None:
    """Import every model module so that string relationships resolve and Alembic sees all tables."""
    from app.accounts import models as _accounts  # noqa: F401
    from app.alerts import models as _alerts  # noqa: F401
    from app.api import models as _api  # noqa: F401
    from app.calls import models as _calls  # noqa: F401
    from app.core import cache as _cache  # noqa: F401
    from app.departments import models as _departments  # noqa: F401
    from app.fixes import models as _fixes  # noqa: F401
    from app.moderation import models as _moderation  # noqa: F401
    from app.notifications import models as _notifications  # noqa: F401
    from app.people import models as _people  # noqa: F401
    from app.posts import models as _posts  # noqa: F401
    from app.search import models as _search  # noqa: F401


def _register_blueprints(app: Flask) -> None:
    from app.accounts.routes import bp as accounts_bp
    from app.alerts.routes import bp as alerts_bp
    from app.api.feeds import bp as feeds_bp
    from app.api.key_routes import bp as api_keys_bp
    from app.api.open311.routes import bp as open311_bp
    from app.api.opendata import bp as opendata_bp
    from app.api.token_routes import bp as api_tokens_bp
    from app.api.v1 import bp as api_bp
    from app.calls.routes import bp as calls_bp
    from app.departments.routes import bp as departments_bp
    from app.fixes.routes import bp as fixes_bp
    from app.moderation.routes import bp as moderation_bp
    from app.moderation.withdraw_routes import bp as withdrawal_bp
    from app.notifications.routes import bp as notifications_bp
    from app.people.routes import bp as people_bp
    from app.posts.routes import bp as posts_bp

    app.register_blueprint(posts_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(moderation_bp)
    app.register_blueprint(withdrawal_bp)
    app.register_blueprint(departments_bp)
    app.register_blueprint(notifications_bp)
    app.register_blueprint(open311_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(api_tokens_bp)
    app.register_blueprint(feeds_bp)
    app.register_blueprint(api_keys_bp)
    app.register_blueprint(opendata_bp)
    app.register_blueprint(fixes_bp)
    app.register_blueprint(calls_bp)
    app.register_blueprint(alerts_bp)
    app.register_blueprint(people_bp)


def _register_commands(app: Flask) -> None:
    from app.accounts.cli import users_cli
    from app.api.cli import apikeys_cli
    from app.demo.seed import seed_demo_command
    from app.fixes.cli import fixes_cli
    from app.moderation import cli as _moderation_cli  # noqa: F401  (adds `users set-role`)
    from app.notifications.cli import notifications_cli
    from app.posts.maintenance import posts_cli

    app.cli.add_command(users_cli)
    app.cli.add_command(apikeys_cli)
    app.cli.add_command(posts_cli)
    app.cli.add_command(notifications_cli)
    app.cli.add_command(fixes_cli)
    app.cli.add_command(seed_demo_command)
