"""User text in its own direction: an English title on a Persian page (and a Persian one on an
English page) sits in an element of its own direction (dir="auto", or <bdi> inside our sentences)."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from app.accounts.models import Role
from app.extensions import db
from app.moderation import workflow
from app.posts.models import PostStatus

# Elements that start a line of their own: the furthest out a title's direction may be set.
BLOCKS = {"p", "div", "li", "td", "th", "dd", "dt", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "legend", "body"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Directions(HTMLParser):
    """For each text node holding one of `texts`: does it sit in an element with its own direction
    no further out than its nearest block?"""

    def __init__(self, texts: list[str]):
        super().__init__()
        self.texts, self.stack, self.undirected, self.seen = texts, [], [], 0

    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            self.stack.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data):
        found = [text for text in self.texts if text in data]
        if not found or any(tag in ("title", "script", "textarea", "option") for tag, _ in self.stack):
            return
        self.seen += 1
        for tag, attrs in reversed(self.stack):
            if tag == "bdi" or "dir" in attrs:
                return
            if tag in BLOCKS:
                break
        self.undirected.append(f"{found[0]!r} in <{' > '.join(tag for tag, _ in self.stack[-4:])}>")


def undirected_user_text(html: str, texts: list[str]) -> tuple[list[str], int]:
    parser = _Directions(texts)
    parser.feed(html)
    return parser.undirected, parser.seen


def test_the_checker_sees_text_without_a_direction():
    texts = ["Broken light"]
    assert undirected_user_text("<li><a>Broken light</a> <span>x</span></li>", texts)[0]
    assert undirected_user_text("<p>Reported by Broken light today</p>", texts)[0]
    assert not undirected_user_text('<li><a dir="auto">Broken light</a></li>', texts)[0]
    assert not undirected_user_text('<h3 dir="auto"><a>Broken light</a></h3>', texts)[0]
    assert not undirected_user_text("<p>by <bdi>Broken light</bdi></p>", texts)[0]


ENGLISH = {
    "title": "Broken streetlight on Ahmadabad Street",
    "body": "The streetlight in front of the bakery has been dark for a week.",
    "name": "Sara Ahmadi",
    "comment": "I walk there every night and it is pitch dark.",
}
PERSIAN = {
    "title": "چراغ خیابان احمدآباد خاموش است",
    "body": "چراغ جلوی نانوایی یک هفته است خاموش است.",
    "name": "سارا احمدی",
    "comment": "من هر شب از آنجا رد می‌شوم و تاریک است.",
}


@pytest.fixture
def posts(world_kept):
    return world_kept(_posts)


def _posts(make):
    """The same report written in English and in Persian, each with a comment, one of each pending."""
    category = make.category()
    made = {}
    for language, text in (("en", ENGLISH), ("fa", PERSIAN)):
        author = make.user(display_name=text["name"])
        post = make.post(category=category, author=author, title=text["title"], body=text["body"])
        make.supporters(post, 2)
        make.comment(post, author=author, body=text["comment"])
        make.post(PostStatus.PENDING, category=category, author=author, title=text["title"] + " (2)", body=text["body"])
        made[language] = post
    workflow.transition(made["en"], "forward", make.user(Role.MODERATOR))
    db.session.commit()
    return made


@pytest.mark.parametrize("page_language", ["fa", "en"])
@pytest.mark.parametrize("role", ["visitor", "moderator", "staff"])
def test_user_text_sits_in_its_own_direction_on_every_page_that_shows_it(
    client, auth, make, posts, page_language, role
):
    made = posts
    english_post, persian_post = made["en"], made["fa"]
    if role == "moderator":
        auth.login(make.user(Role.MODERATOR))
    elif role == "staff":
        auth.login(make.user(Role.STAFF, department=english_post.department))
    client.set_cookie("lang", page_language)
    pages = ["/", "/posts", "/map", f"/posts/{english_post.id}", f"/posts/{persian_post.id}", "/statistics"]
    pages += ["/search?q=streetlight", "/search?q=چراغ"]
    pages += {
        "moderator": ["/moderation/", "/moderation/promising", "/moderation/audit"],
        "staff": [f"/departments/{english_post.department.slug}"],
    }.get(role, [])
    texts = [value for text in (ENGLISH, PERSIAN) for value in text.values()]
    failures, seen = [], 0
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        undirected, count = undirected_user_text(response.get_data(as_text=True), texts)
        failures += [f"{path}: {where}" for where in undirected]
        seen += count
    assert seen > 20  # the pages showed the users' text
    assert not failures, "\n".join(failures)
