"""Which language a request is served in: the user's choice, then the browser's, then Persian."""

from __future__ import annotations

from flask import Flask, current_app, g, has_request_context, request
from flask_babel import get_translations
from flask_login import current_user

LANGUAGE_COOKIE = "lang"
# Languages written right to left.
RTL_LANGUAGES = frozenset({"fa", "ar", "he", "ur"})


def select_locale() -> str:
    """The locale for this request (Flask-Babel's locale selector)."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    if chosen in languages:
        return chosen
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]


def text_direction(language: str) -> str:
    return "rtl" if language in RTL_LANGUAGES else "ltr"


def _translations():
    """This request's catalogue, looked up once (Flask-Babel looks it up for every string)."""
    translations = g.get("_translations")
    if translations is None:
        translations = g._translations = get_translations()
    return translations


def install_fast_template_gettext(app: Flask) -> None:
    """Templates translate dozens of strings per page; resolve the catalogue once per request."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: _translations().ugettext(s),
        ngettext=lambda s, p, n: _translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: _translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _translations().unpgettext(c, s, p, n),
    )
