"""Which language a request is served in, and translations that write numbers in that language.

Locale: the user's choice, then the browser's (cookie), then Accept-Language, then Persian.

Digits: every message goes through `app.core.l10n.interpolate`, so a number interpolated into a
translated message ("The title must be %(min)d to %(max)d characters long.") is written in Persian
digits on Persian pages, whichever door the message comes through: `gettext` in Python (the
Babel domain below), `_()` in templates (the Jinja callables below), and lazy strings that
WTForms fills in later (`lazy_gettext` below: import `_l` from here, not from flask_babel).
"""

from __future__ import annotations

from flask import current_app, g, has_request_context, request
from flask_babel import Babel, Domain, get_translations
from flask_babel.speaklater import LazyString
from flask_login import current_user
from jinja2 import pass_context
from markupsafe import Markup

from app.core.l10n import current_locale, interpolate

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
