"""Which language a page is in: the user's choice, then the browser's, then Persian."""

from __future__ import annotations

from app.extensions import db


def test_persian_is_the_default(client):
    response = client.get("/")
    assert b'<html lang="fa" dir="rtl"' in response.data
    assert response.headers["Content-Language"] == "fa"


def test_accept_language_only_suggests_english_to_a_visitor(client):
    response = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.8"})
    assert b'<html lang="fa" dir="rtl"' in response.data
    assert response.headers["Content-Language"] == "fa"
    assert b"This site is also in English." in response.data


def test_an_unsupported_browser_language_falls_back_to_persian(client):
    response = client.get("/", headers={"Accept-Language": "de"})
    assert b'lang="fa"' in response.data


def test_the_language_switch_is_remembered_by_the_browser(client):
    response = client.post("/language", data={"language": "en", "next": "/posts"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/posts"
    assert "lang=en" in response.headers["Set-Cookie"]
    assert b'lang="en"' in client.get("/", headers={"Accept-Language": "fa"}).data


def test_the_language_switch_round_trips(client):
    client.post("/language", data={"language": "en"})
    client.post("/language", data={"language": "fa"})
    assert b'dir="rtl"' in client.get("/", headers={"Accept-Language": "en"}).data


def test_an_unknown_language_changes_nothing(client):
    response = client.post("/language", data={"language": "xx"})
    assert response.status_code == 302
    assert "Set-Cookie" not in response.headers


def test_the_language_switch_never_redirects_off_site(client):
    response = client.post("/language", data={"language": "en", "next": "//evil.example/"})
    assert response.headers["Location"] == "/"


def test_a_signed_in_users_choice_follows_them_to_another_browser(app, client, make, auth):
    user = make.user()
    auth.login(user)
    client.post("/language", data={"language": "en"})
    db.session.rollback()  # the request ran in its own session, as on a server
    db.session.refresh(user)
    assert user.locale == "en"

    other_browser = app.test_client()
    other_browser.post("/login", data={"email": user.email, "password": "correct horse battery"})
    assert b'lang="en"' in other_browser.get("/", headers={"Accept-Language": "fa"}).data


def test_a_users_choice_beats_the_browsers_cookie(client, make, auth):
    user = make.user(locale="fa")
    auth.login(user)
    client.set_cookie("lang", "en")
    assert b'lang="fa"' in client.get("/").data


def test_the_profile_sets_the_language_too(client, make, auth):
    user = make.user()
    auth.login(user)
    client.post("/profile", data={"display_name": user.display_name, "locale": "en"})
    assert b'lang="en"' in client.get("/").data


def test_form_errors_count_in_persian_digits(client, make, auth):
    category = make.category()
    auth.login(make.user())
    response = client.post(
        "/posts/new",
        data={
            "kind": "problem",
            "title": "کوتاه",
            "body": "چراغ‌های کوچه از هفته‌ی پیش خاموش است.",
            "category": category.id,
        },
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "عنوان باید بین ۸ تا ۱۵۰ نویسه باشد." in html
    assert "چراغ‌های کوچه از هفته‌ی پیش خاموش است." in html  # nothing typed is lost


def _visible_english(html: str) -> set[str]:
    from tests.test_translations import _english_words, _VisibleText

    parser = _VisibleText()
    parser.feed(html)
    return _english_words(parser.found)


def test_persian_pages_show_no_english_words(client, make, auth):
    """Whatever path a string takes (template, Python, a lazy label), a Persian page shows Persian."""
    from app.posts.models import PostStatus

    category = make.category()
    author, neighbour = make.user(display_name="مینا"), make.user(display_name="حسن")
    post = make.post(
        PostStatus.PUBLISHED, category=category, author=author, address="میدان شهدا", latitude=36.295, longitude=59.6075
    )
    make.comment(post, author=neighbour)
    pending = make.post(PostStatus.PENDING, category=category, author=author)
    pages = ["/", "/posts", "/posts?kind=idea", "/map", f"/posts/{post.id}", "/login", "/signup", "/posts/999"]
    for path in pages:
        assert _visible_english(client.get(path).get_data(as_text=True)) == set(), path
    auth.login(pending.author)
    for path in ["/posts/new", f"/posts/{pending.id}/edit", "/me/posts", "/profile", f"/posts/{post.id}"]:
        assert _visible_english(client.get(path).get_data(as_text=True)) == set(), path
    refused = client.post("/posts/new", data={"title": "x", "latitude": "abc"})
    assert _visible_english(refused.get_data(as_text=True)) == set()
