"""The "is it fixed?" form: yes, or no with a note and, if the resident has one, a photo."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import FileField, RadioField, SelectChoice, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.core.fields import MultiCheckboxField
from app.core.i18n import lazy_gettext as _l
from app.moderation.workflow import NOTE_MAX
from app.posts.forms import multiline


class FixAnswerForm(FlaskForm):
    answer = RadioField(
        _l("Is it fixed?"),
        choices=[SelectChoice("yes", _l("Yes, it is fixed")), SelectChoice("no", _l("No, it is not fixed"))],
        validators=[DataRequired(_l("Choose yes or no."))],
    )
    note = TextAreaField(
        _l("What is still wrong? (public, required when it is not fixed)"),
        filters=[multiline],
        validators=[Optional(), Length(max=NOTE_MAX, message=_l("The note must be at most %(max)d characters long."))],
    )
    # Checked by decoding in app.posts.photos, never by name or declared type; `accept` only helps the picker.
    photo = FileField(
        _l("A photo of how it is now (optional)"),
        description=_l("Only with “not fixed”: JPEG, PNG or WebP. Location data in the file is removed."),
        render_kw={"accept": "image/jpeg,image/png,image/webp"},
    )
    # The photo an earlier try received, kept after an error (browsers empty file inputs); the view sets it.
    kept_photos = MultiCheckboxField(_l("Keep this photo"), coerce=str, validate_choice=False)

    def validate(self, extra_validators=None) -> bool:
        # Not an inline validate_note: Optional() ends the note's chain before it when the note is empty.
        is_valid = super().validate(extra_validators)
        if self.answer.data == "no" and not self.note.data:
            self.note.errors = [
                *self.note.errors,
                _l("Please say what is still wrong: the moderators and the department read it."),
            ]
            return False
        return is_valid
