"""What every page shares: the request's transaction mode, template helpers, the language switch."""

from __future__ import annotations

from flask import Blueprint, Flask, Request, current_app, g, make_response, redirect, render_template, request
from flask_login import current_user
from jinja2 import pass_context
from markupsafe import Markup, escape
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.routing import IntegerConverter

from app.core import fragments, l10n, page_context, personal, static_files
from app.core.cache import vary_every_page
from app.core.db import ID_MAX, reset_write_intent, set_write_intent
from app.core.i18n import LANGUAGE_COOKIE, language_offer, offered_language, text_direction, wtforms_translations
from app.core.redirects import safe_next_url
from app.core.text import bdi, isolate, render_plain
from app.extensions import csrf, db

bp = Blueprint("core", __name__)
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


SEPARATOR = Markup('<span class="sep" aria-hidden="true"></span>')


def separator() -> Markup:
    """Between the parts of a line of facts: a gap with a thin rule, never a dot (the Persian zero)."""
    return SEPARATOR


def localized(obj, field: str = "name") -> str:
    """obj.name_fa or obj.name_en, by the page's language."""
    language = l10n.current_language()
    return getattr(obj, f"{field}_{language}", None) or getattr(obj, f"{field}_fa")


@bp.post("/language")
@csrf.exempt  # checked below for signed-in users; a visitor's choice is only a cookie
def set_language():
    """Remember the chosen language for this browser and, when signed in, for the user."""
    if current_user.is_authenticated and current_app.config.get("WTF_CSRF_ENABLED", True):
        csrf.protect()  # the stored preference is account state
    language = request.form.get("language", "")
    response = make_response(redirect(safe_next_url()))
    if language in current_app.config["LANGUAGE_CHOICES"]:
        response.set_cookie(
            LANGUAGE_COOKIE,
            language,
            max_age=365 * 24 * 3600,
            samesite="Lax",
            httponly=True,
            secure=current_app.config["SESSION_COOKIE_SECURE"],
        )
        if current_user.is_authenticated:
            current_user.locale = language
            db.session.commit()
    return response


@bp.get("/healthz")
def healthz():
    return "ok"


class BoundedIntegerConverter(IntegerConverter):
    """<int:…> that stops at the database's largest integer: /posts/99999999999999999999 is a 404,
    not an overflow inside the database driver (PostgreSQL's integer ends at 2**31 - 1)."""

    def __init__(self, url_map, fixed_digits=0, min=None, max=ID_MAX, signed=False):
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def _without_nul(text):
    return text.replace("\x00", "") if isinstance(text, str) else text


class NulFreeParameters(ImmutableMultiDict):
    """Query and form parameters with NUL characters taken out as they are parsed: no person types
    one, PostgreSQL refuses them in text, and every view would otherwise have to remember."""

    def __init__(self, mapping=None):
        if isinstance(mapping, list):  # werkzeug's parsers hand over (key, value) pairs
            mapping = [(_without_nul(key), _without_nul(value)) for key, value in mapping]
        super().__init__(mapping)


class ShahrvandRequest(Request):
    parameter_storage_class = NulFreeParameters

    @property
    def wtforms_translations(self):
        # Where Flask-WTF looks for WTForms' catalogue before loading it from disk (flask_wtf.i18n).
        return wtforms_translations()


def install_converters(app: Flask) -> None:
    """Call before any route is registered (rules pick their converters when added)."""
    app.url_map.converters["int"] = BoundedIntegerConverter


def register(app: Flask) -> None:
    app.request_class = ShahrvandRequest
    app.config.setdefault("LANGUAGE_CHOICES", app.config["LANGUAGES"])
    app.register_blueprint(bp)
    static_files.register(app)
    fragments.register(app)
    page_context.register(app)
    personal.register(app)
    # The header's own parts for each reader (holes of shared pages: app.core.personal), drawn from
    # the frame's values loaded before the page renders (app.core.page_context): no SQL in them.
    personal.add_own_part(app, "reader-name", lambda _frame: escape(current_user.display_name))
    personal.add_own_part(app, "role-menu", lambda frame: render_template("_role_menu.html", **frame))

    @app.before_request
    def _transaction_mode():
        # Requests that change state take SQLite's write lock when their transaction begins.
        if request.method not in _SAFE_METHODS:
            g.write_intent_token = set_write_intent(True)

    @app.teardown_request
    def _reset_transaction_mode(_error):
        token = g.pop("write_intent_token", None)
        if token is not None:
            reset_write_intent(token)

    @app.after_request
    def _content_language(response):
        response.headers.setdefault("Content-Language", l10n.current_language())
        return response

    @app.context_processor
    def _page_context():
        language = l10n.current_language()
        return {"page_language": language, "page_direction": text_direction(language), "language_offer": language_offer}

    # Visitors whose browser prefers another language see an offer on every page: pages with it and
    # pages without it are cached apart.
    vary_every_page(app, offered_language)
    app.jinja_env.add_extension("jinja2.ext.do")
    # Proxies as globals, so that imported macros (which do not see the context) can use them too.
    app.jinja_env.globals.update(sep=separator, localized=localized, current_user=current_user, request=request)
    app.jinja_env.filters.update(
        plain=render_plain,
        bdi=bdi,
        isolate=isolate,
        iso=l10n.iso,
        **{
            name: per_request(format_)
            for name, format_ in {
                "date": l10n.format_date,
                "datetime": l10n.format_datetime,
                "ago": l10n.time_ago,
                "num": l10n.format_number,
                "decimal": l10n.format_decimal_places,
                "digits": l10n.localize_digits,
                "distance": l10n.format_distance,
            }.items()
        },
    )


def per_request(format_):
    """A filter whose answer depends on the request (its language, the time): taking the context
    keeps Jinja from folding it at compile time. `{{ 1|num }}` was otherwise computed once, in the
    language of whichever request compiled the template first, and served so to everyone after."""

    @pass_context
    def filter_(_context, *args, **kwargs):
        return format_(*args, **kwargs)

    filter_.__name__ = filter_.__qualname__ = format_.__name__
    return filter_
