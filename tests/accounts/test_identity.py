"""One mailbox, one account; passwords that are not common; names that cannot pass for the staff."""

import pytest
from sqlalchemy import func, select

from app.accounts import passwords, services
from app.accounts.addresses import InvalidAddressError, email_key, normalize_email
from app.accounts.models import Role, User
from app.accounts.names import is_role_name
from app.extensions import db
from tests.factories import PASSWORD

CYRILLIC = "carol@probe-m\u0430il.ir"  # the а is Cyrillic
PUNYCODE = "carol@xn--probe-mil-6yh.ir"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("  Maryam@Example.ORG ", "Maryam@example.org"),
        (CYRILLIC, PUNYCODE),
        ("Carol@PROBE-M\u0410IL.IR", "Carol@xn--probe-mil-6yh.ir"),
        ("reza@مثال.ایران", "reza@xn--mgbh0fb.xn--mgba3a4f16a"),
    ],
)
def test_addresses_are_stored_with_the_domain_lower_cased_and_idna_encoded(typed, stored):
    assert normalize_email(typed) == stored


@pytest.mark.parametrize("bad", ["", "no-at-sign", "@example.org", "someone@", "a@-bad-.org", "a@" + "x" * 70 + ".org"])
def test_addresses_without_a_usable_domain_are_refused(bad):
    with pytest.raises(InvalidAddressError):
        email_key(bad)


def test_one_mailbox_is_one_account_whatever_form_it_is_typed_in(client, make):
    make.user(email=CYRILLIC)
    with pytest.raises(services.AccountError):
        services.create_user(email=PUNYCODE, display_name="Carol two", password=PASSWORD)
    client.post(
        "/signup",
        data={
            "email": "CAROL@xn--probe-mil-6yh.ir",
            "display_name": "Carol",
            "password": PASSWORD,
            "confirm": PASSWORD,
        },
    )
    db.session.rollback()
    assert db.session.scalar(select(func.count(User.id))) == 1
    assert client.post("/login", data={"email": PUNYCODE, "password": PASSWORD}).status_code == 302


@pytest.mark.parametrize("password", ["password12", "1234567890", "Qwertyuiop", "iloveyou12", "aaaaaaaaaaaa"])
def test_common_passwords_are_refused(password):
    with pytest.raises(passwords.WeakPasswordError):
        passwords.check_new_password(password)


@pytest.mark.parametrize("password", ["", "nine-char", "x" * 129, None, 12345678901])
def test_passwords_of_the_wrong_length_or_type_are_refused(password):
    with pytest.raises(passwords.WeakPasswordError):
        passwords.check_new_password(password)


def test_the_password_may_not_be_the_address_or_the_name():
    with pytest.raises(passwords.WeakPasswordError):
        passwords.check_new_password("maryam.karimi", email="maryam.karimi@example.org")
    passwords.check_new_password("a long sentence of mine", email="maryam@example.org")


@pytest.mark.parametrize(
    "name",
    [
        "Admin",
        "the_admin",
        "ADM1N",
        "Site Moderator",
        "مدیر",
        "مدیر سایت",
        "ناظر",
        "کارشناس شهرداری",
        "پشتیبانی",
        "staff",
    ],
)
def test_role_words_are_refused_as_a_residents_name(name):
    assert is_role_name(name)


@pytest.mark.parametrize("name", ["مریم", "علی ناظری", "رضا مدیری", "Staffan", "Zahra Karimi"])
def test_real_names_that_only_look_like_role_words_are_accepted(name):
    assert not is_role_name(name)


def test_residents_cannot_take_a_role_name_but_staff_can(client, make, auth):
    user = make.user()
    auth.login(user)
    response = client.post("/profile", data={"display_name": "ناظر محله", "locale": "fa"})
    assert response.status_code == 422
    db.session.rollback()
    assert db.session.get(User, user.id).display_name == user.display_name
    moderator = make.user(Role.MODERATOR, display_name="ناظر محله")
    assert moderator.display_name == "ناظر محله"


def test_a_blocked_user_cannot_change_their_name(client, make, auth):
    user = make.user()
    services.block_user(user, "spam")
    db.session.commit()
    auth.login(user)
    assert client.post("/profile", data={"display_name": "نام دیگر", "locale": "en"}).status_code == 422
    db.session.rollback()
    assert db.session.get(User, user.id).display_name == user.display_name
    assert client.post("/profile", data={"display_name": user.display_name, "locale": "en"}).status_code == 302


def test_staff_carry_a_role_badge_beside_their_name(client, make):
    moderator = make.user(Role.MODERATOR, display_name="Sara")
    staff = make.user(Role.STAFF, display_name="Reza")
    resident = make.user(display_name="Mina")
    post = make.post(author=resident)
    make.comment(post, author=moderator, body="Thank you, we are looking at it.")
    make.comment(post, author=staff, body="The crew is on its way this week.")
    client.set_cookie("lang", "en")
    page = client.get(f"/posts/{post.id}").get_data(as_text=True)
    assert 'Sara</bdi> <span class="badge role-badge text-bg-secondary">moderator</span>' in page
    assert 'Reza</bdi> <span class="badge role-badge text-bg-secondary">city staff</span>' in page
    assert 'Mina</bdi> <span class="badge role-badge' not in page
