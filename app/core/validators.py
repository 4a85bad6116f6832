"""Form validators shared by every domain."""

from __future__ import annotations

import math

from wtforms.validators import StopValidation

from app.core.i18n import lazy_gettext as _l


class Finite:
    """Refuse NaN and infinities (which slip through NumberRange): put it before NumberRange."""

    def __init__(self, message=None):
        self.message = message

    def __call__(self, form, field) -> None:
        if field.data is not None and not math.isfinite(field.data):
            raise StopValidation(self.message or _l("Enter a number."))
