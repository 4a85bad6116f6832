"""The search page's form: read from the address (GET), so every search is a link one can share."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, StringField
from wtforms.validators import Length, Optional, ValidationError

from app.core.dates import parse_date
from app.core.fields import WholeNumberField
from app.core.i18n import lazy_gettext as _l
from app.core.text import clean_text
from app.posts.forms import int_or_none
from app.posts.models import PostKind, PostStatus
from app.search.queries import MAX_PAGE, QUERY_MAX, SearchRequest, SearchSort


class _Choice:
    """Accept only one of the field's choices (or nothing), with our own translated message."""

    def __init__(self, message) -> None:
        self.message = message

    def __call__(self, form, field) -> None:
        if field.raw_data and field.raw_data[0] and field.data not in {choice[0] for choice in field.iter_choices()}:
            raise ValidationError(self.message)


def _date(form, field) -> None:
    if field.data and parse_date(field.data) is None:
        raise ValidationError(_l("Enter a date like 1405/09/05 or 2026-11-26."))


def _best_match_is_the_default(value):
    """?sort=relevance (a link written by hand, or the JSON API's name) means the default order."""
    return "" if value == SearchSort.RELEVANCE.value else value


class SearchForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form that changes nothing

    q = StringField(
        _l("Search for"),
        filters=[clean_text],
        validators=[Length(max=QUERY_MAX, message=_l("Search for at most %(max)d characters."))],
    )
    kind = SelectField(_l("Kind"), validate_choice=False, validators=[_Choice(_l("Choose a kind from the list."))])
    category = SelectField(
        _l("Category"),
        coerce=int_or_none,
        validate_choice=False,
        validators=[_Choice(_l("Choose a category from the list."))],
    )
    status = SelectField(
        _l("Status"), validate_choice=False, validators=[_Choice(_l("Choose a status from the list."))]
    )
    department = SelectField(
        _l("Department"),
        coerce=int_or_none,
        validate_choice=False,
        validators=[_Choice(_l("Choose a department from the list."))],
    )
    date_from = StringField(_l("From"), filters=[clean_text], validators=[_date], render_kw={"dir": "ltr"})
    date_to = StringField(_l("To"), filters=[clean_text], validators=[_date], render_kw={"dir": "ltr"})
    sort = SelectField(
        _l("Order"),
        validate_choice=False,
        filters=[_best_match_is_the_default],
        validators=[_Choice(_l("Choose an order from the list."))],
    )
    page = WholeNumberField(_l("Page"), validators=[Optional()], message=_l("The page must be a whole number."))

    def validate_date_to(self, field) -> None:
        start, end = parse_date(self.date_from.data), parse_date(field.data)
        if start and end and end < start:
            raise ValidationError(_l("The end date must not be before the start date."))

    def validate_page(self, field) -> None:
        if field.data is not None and not 1 <= field.data <= MAX_PAGE:
            raise ValidationError(_l("Choose a page from 1 to %(max)d.", max=MAX_PAGE))

    def fill_choices(self, *, categories, departments, statuses, status_label, kind_label, localized) -> None:
        """The choices of the select boxes (what the viewer may filter by)."""
        anything = _l("Any")
        self.kind.choices = [SelectChoice("", anything)] + [SelectChoice(k.value, kind_label(k)) for k in PostKind]
        self.category.choices = [SelectChoice("", anything)] + [SelectChoice(c.id, localized(c)) for c in categories]
        self.status.choices = [SelectChoice("", anything)] + [SelectChoice(s.value, status_label(s)) for s in statuses]
        self.department.choices = [SelectChoice("", anything)] + [SelectChoice(d.id, localized(d)) for d in departments]
        self.sort.choices = [
            SelectChoice("", _l("Best match")),
            SelectChoice(SearchSort.NEWEST.value, _l("Newest")),
            SelectChoice(SearchSort.SUPPORTED.value, _l("Most supported")),
        ]

    def to_request(self, per_page: int) -> SearchRequest:
        """The validated form as the search service's request."""
        return SearchRequest(
            text=self.q.data or "",
            kind=PostKind(self.kind.data) if self.kind.data else None,
            category_id=self.category.data,
            status=PostStatus(self.status.data) if self.status.data else None,
            department_id=self.department.data,
            date_from=parse_date(self.date_from.data),
            date_to=parse_date(self.date_to.data),
            sort=SearchSort(self.sort.data) if self.sort.data else None,
            page=self.page.data or 1,
            per_page=per_page,
        )
