"""The notification settings form: one choice per kind."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice

from app.core.i18n import lazy_gettext as _l
from app.notifications.models import Delivery, NotificationKind

KIND_LABELS = {
    NotificationKind.STATUS_CHANGE: _l("A post I follow changes status (including my own posts)"),
    NotificationKind.OFFICIAL_RESPONSE: _l("A department responds to a post I follow"),
    NotificationKind.COMMENT_REPLY: _l("Someone replies to my comment"),
    NotificationKind.FOLLOWED_COMMENT: _l("Someone comments on a post I follow"),
    NotificationKind.MODERATION: _l("Moderators hide or restore something I wrote"),
    NotificationKind.FOLLOWED_TOPIC: _l("A new post in a category, department or area I follow"),
    NotificationKind.CALL_OUTCOME: _l("A call for ideas I took part in publishes its outcome"),
    NotificationKind.FIX_QUESTION: _l("A reminder to say whether a resolved problem I follow is fixed"),
}
DELIVERY_CHOICES = [
    SelectChoice(Delivery.IMMEDIATE.value, _l("E-mail at once")),
    SelectChoice(Delivery.DAILY.value, _l("In a daily summary")),
    SelectChoice(Delivery.NONE.value, _l("No e-mail")),
]


class PreferencesForm(FlaskForm):
    pass


class UnsubscribeForm(FlaskForm):
    """One button (and the CSRF token): the link in an e-mail only shows it, the POST acts."""


for _kind in NotificationKind:
    setattr(PreferencesForm, _kind.value, RadioField(KIND_LABELS[_kind], choices=DELIVERY_CHOICES))


def preference_fields(form: PreferencesForm) -> list:
    return [getattr(form, kind.value) for kind in NotificationKind]
