"""Which language a request is served in, and translations that write numbers in that language.

Locale: the user's choice (their profile), then this browser's choice (a cookie), then Persian.
The browser's Accept-Language only suggests: a page shows a one-line offer of the other language
(`language_offer`). Programs (the API, Open311, feeds, open data) still negotiate by Accept-Language,
the standard way for a client to ask: `negotiates_language(bp)` marks their blueprints.

Digits: every message goes through `app.core.l10n.interpolate`, so a number interpolated into a
translated message ("The title must be %(min)d to %(max)d characters long.") is written in Persian
digits on Persian pages, whichever door the message comes through: `gettext` in Python (the
Babel domain below), `_()` in templates (the Jinja callables below), and lazy strings that
WTForms fills in later (`lazy_gettext` below: import `_l` from here, not from flask_babel).
"""

from __future__ import annotations

from flask import Blueprint, current_app, g, has_request_context, request
from flask_babel import Babel, Domain, force_locale, get_translations, gettext
from flask_babel.speaklater import LazyString
from flask_login import current_user
from jinja2 import pass_context
from markupsafe import Markup

from app.core.l10n import current_locale, interpolate

LANGUAGE_COOKIE = "lang"
# Each language by its own name, as the language switch and the offer write it.
LANGUAGE_NAMES = {"fa": "فارسی", "en": "English"}
# Languages written right to left.
RTL_LANGUAGES = frozenset({"fa", "ar", "he", "ur"})


# Blueprints that answer programs, not people: their clients ask for a language by Accept-Language.
_NEGOTIATING_BLUEPRINTS: set[str] = set()


def negotiates_language(bp: Blueprint) -> Blueprint:
    """Let Accept-Language pick the language of this blueprint's answers (for programs)."""
    _NEGOTIATING_BLUEPRINTS.add(bp.name)
    return bp


def chosen_language() -> str | None:
    """The language this user or browser chose, or None when nobody chose one."""
    languages = current_app.config["LANGUAGES"]
    if current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    return chosen if chosen in languages else None


def browser_language() -> str | None:
    """The site's language the browser's Accept-Language prefers, if any."""
    return request.accept_languages.best_match(current_app.config["LANGUAGES"])


def select_locale() -> str:
    """The locale for this request (Flask-Babel's locale selector)."""
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    if not has_request_context():
        return default
    chosen = chosen_language()
    if chosen is not None:
        return chosen
    if request.blueprint in _NEGOTIATING_BLUEPRINTS:
        return browser_language() or default
    return default


def offered_language() -> str | None:
    """The language to offer on this page (see `language_offer`), or None."""
    if not has_request_context() or chosen_language() is not None:
        return None
    wanted = browser_language()
    return None if wanted is None or wanted == str(current_locale()) else wanted


def language_offer() -> dict | None:
    """For someone who has not chosen a language and whose browser prefers another one than the
    page's: that language, and a one-line offer written in it."""
    wanted = offered_language()
    if wanted is None:
        return None
    name = LANGUAGE_NAMES.get(wanted, wanted)
    with force_locale(wanted):
        text = gettext("This site is also in %(language)s.", language=name)
        switch = gettext("Switch to %(language)s", language=name)
    return {"language": wanted, "direction": text_direction(wanted), "text": text, "switch": switch}


def text_direction(language: str) -> str:
    return "rtl" if language in RTL_LANGUAGES else "ltr"


class LocalizedDomain(Domain):
    """Flask-Babel's domain, interpolating through `interpolate` (numbers in the viewer's digits)."""

    def gettext(self, string, /, **variables):
        translated = self.get_translations().ugettext(string)
        return interpolate(translated, variables) if variables else translated

    def ngettext(self, singular, plural, num, /, **variables):
        variables.setdefault("num", num)
        return interpolate(self.get_translations().ungettext(singular, plural, num), variables)

    def pgettext(self, context, string, /, **variables):
        translated = self.get_translations().upgettext(context, string)
        return interpolate(translated, variables) if variables else translated

    def npgettext(self, context, singular, plural, num, /, **variables):
        variables.setdefault("num", num)
        return interpolate(self.get_translations().unpgettext(context, singular, plural, num), variables)


class LocalizedLazyString(LazyString):
    """A lazy translation whose later `%` (WTForms fills in min/max that way) localises digits."""

    def __mod__(self, other):
        return interpolate(str(self), other)


def lazy_gettext(string: str, **variables) -> LocalizedLazyString:
    """Translate when used; numbers filled in now or later come out in the viewer's digits."""
    from flask_babel import gettext

    return LocalizedLazyString(gettext, string, **variables)


def _translations():
    """The catalogue, looked up once per request and locale (templates translate dozens of strings
    per page; keyed by locale so that `force_locale`, e.g. for another user's e-mail, still works)."""
    if not has_request_context():
        return get_translations()
    locale = str(current_locale())
    cached = g.get("_translations")
    if cached is None or cached[0] != locale:
        cached = g._translations = (locale, get_translations())
    return cached[1]


_WTFORMS_CATALOGUES: dict[str, object] = {}


def wtforms_translations():
    """WTForms' own messages ("This field is required.") in the request's language, read from disk
    once per process and language (Flask-WTF parses the file again for every request with a form)."""
    from babel.support import Translations
    from wtforms.i18n import messages_path

    locale = current_locale()
    key = str(locale)
    if key not in _WTFORMS_CATALOGUES:
        _WTFORMS_CATALOGUES[key] = Translations.load(messages_path(), [locale], domain="wtforms")
    return _WTFORMS_CATALOGUES[key]


@pass_context
def _template_gettext(context, string: str, /, **variables) -> str:
    translated = _translations().ugettext(string)
    if context.eval_ctx.autoescape:
        translated = Markup(translated)  # noqa: S704 -- the catalogue is trusted, as in Jinja's own gettext
    return interpolate(translated, variables)  # like Jinja's newstyle gettext: always a format string


@pass_context
def _template_ngettext(context, singular: str, plural: str, num: int, /, **variables) -> str:
    variables.setdefault("num", num)
    translated = _translations().ungettext(singular, plural, num)
    if context.eval_ctx.autoescape:
        translated = Markup(translated)  # noqa: S704 -- the catalogue is trusted, as in Jinja's own gettext
    return interpolate(translated, variables)


class LocalizedBabel(Babel):
    """Babel whose messages, in Python and in templates, write numbers in the viewer's digits."""

    def init_app(self, app, *args, **kwargs):
        super().init_app(app, *args, **kwargs)
        # Same contract as Jinja's newstyle gettext, so {% trans %} blocks keep working.
        app.jinja_env.globals.update(gettext=_template_gettext, ngettext=_template_ngettext)

    @property
    def domain_instance(self) -> LocalizedDomain:
        # One domain per Babel object: its translation cache then lives across requests
        # (Flask-Babel 4 builds a fresh Domain, and reloads the catalogue, on every request).
        domain = self.__dict__.get("_localized_domain")
        if domain is None or domain.domain != [self.domain]:
            domain = self.__dict__["_localized_domain"] = LocalizedDomain(domain=self.domain)
        return domain
