"""Photos through the web: posting with photos, keeping them across errors, serving, removing."""

from __future__ import annotations

import io
import re

from flask import current_app
from PIL import Image

from app.accounts.models import Role
from app.extensions import db
from app.posts import photos
from app.posts.models import Photo, Post, PostStatus
from tests.posts.test_map import statements_on
from tests.posts.test_photos import Upload, image_bytes, jpeg_with_gps

TITLE = "تیر چراغ برق کج شده است"
BODY = "تیر چراغ برق سر کوچه بعد از طوفان دیشب کج شده و ممکن است بیفتد."


def _file(data: bytes, name: str = "photo.jpg"):
    return (io.BytesIO(data), name)


def _post_form(category, **fields):
    return {"kind": "problem", "title": TITLE, "body": BODY, "category": str(category.id), **fields}


def _posted(client, data):
    return client.post("/posts/new", data=data, content_type="multipart/form-data")


def test_a_resident_posts_a_problem_with_photos(client, make, auth):
    category = make.category()
    auth.login(make.user())
    uploads = [_file(jpeg_with_gps()), _file(image_bytes("PNG"), "b.png")]
    response = _posted(client, _post_form(category, photos=uploads))
    assert response.status_code == 302
    db.session.rollback()  # see what the request committed in its own session
    post = db.session.scalars(db.select(Post)).one()
    assert [photo.position for photo in post.photos] == [0, 1]
    assert all(photos.path_of(photo.file_key).is_file() for photo in post.photos)
    html = client.get(f"/posts/{post.id}").get_data(as_text=True)
    assert f'alt="عکس ۱ از ۲: \u2068{TITLE}\u2069"' in html  # the title isolated inside our sentence
    assert f"/photos/{post.photos[0].id}/thumb" in html


def test_a_fourth_photo_is_refused_and_the_form_keeps_everything(client, make, auth):
    category = make.category()
    auth.login(make.user())
    uploads = [_file(image_bytes(color=c), f"{c}.jpg") for c in ("red", "green", "blue", "white")]
    response = _posted(client, _post_form(category, photos=uploads))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "هر پست حداکثر ۳ عکس می‌تواند داشته باشد؛ «white.jpg» کنار گذاشته شد." in html
    assert html.count('name="kept_photos"') == 3
    assert TITLE in html and BODY in html
    db.session.rollback()  # see what the request committed in its own session
    assert db.session.scalar(db.select(db.func.count()).select_from(Photo)) == 0


def test_photos_survive_an_error_elsewhere_in_the_form(client, make, auth):
    category = make.category()
    auth.login(make.user())
    response = _posted(client, _post_form(category, title="کوتاه", photos=[_file(jpeg_with_gps())]))
    assert response.status_code == 422
    token = re.search(r'name="kept_photos"[^>]*value="([^"]+)"', response.get_data(as_text=True)).group(1)
    assert client.get(f"/photos/received/{token}", buffered=True).status_code == 200

    response = _posted(client, _post_form(category, kept_photos=[token]))
    assert response.status_code == 302
    db.session.rollback()  # see what the request committed in its own session
    assert len(db.session.scalars(db.select(Post)).one().photos) == 1


def test_a_fake_photo_gets_a_message_and_loses_nothing_typed(client, make, auth):
    category = make.category()
    auth.login(make.user())
    response = _posted(client, _post_form(category, address="کوچه‌ی ۱۲", photos=[_file(b"hello, I am text", "x.jpg")]))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "«x.jpg»: این پرونده عکسی نیست که بتوانیم بخوانیم." in html
    assert TITLE in html and "کوچه‌ی ۱۲" in html
    assert 'aria-describedby="photos-help photos-error"' in html


def test_someone_elses_received_photo_cannot_be_seen_or_attached(client, app, make, auth):
    owner, other = make.user(), make.user()
    with app.test_request_context():
        staged, _ = photos.receive_uploads([Upload(image_bytes())], [], owner, room=3)
    auth.login(other)
    assert client.get(f"/photos/received/{staged[0].token}", buffered=True).status_code == 404
    assert _posted(client, _post_form(make.category(), kept_photos=[staged[0].token])).status_code == 302
    db.session.rollback()  # see what the request committed in its own session
    assert db.session.scalars(db.select(Post)).one().photos == []


# --- serving ---------------------------------------------------------------------------------


def _post_with_photo(make, status=PostStatus.PUBLISHED, author=None, data=None):
    """A post with one photo, received the way a form receives it."""
    author = author or make.user()
    with current_app.test_request_context():
        staged, _ = photos.receive_uploads([Upload(data or jpeg_with_gps())], [], author, room=3)
    return make.post(status, author=author, photos=staged)


def test_a_public_photo_is_served_inert_and_cacheable(client, make):
    post = _post_with_photo(make)
    response = client.get(f"/photos/{post.photos[0].id}/full", buffered=True)
    assert response.status_code == 200
    assert response.mimetype == "image/jpeg"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]
    assert response.cache_control.public and response.cache_control.must_revalidate
    # A moderator may remove it: no cache keeps it more than a few minutes without asking again.
    assert response.cache_control.max_age == 300
    assert Image.open(io.BytesIO(response.data)).format == "JPEG"
    assert client.get(f"/photos/{post.photos[0].id}/thumb", buffered=True).status_code == 200


def test_an_unchanged_photo_answers_304(client, make):
    post = _post_with_photo(make)
    url = f"/photos/{post.photos[0].id}/full"
    first = client.get(url, buffered=True)
    again = client.get(url, headers={"If-None-Match": first.headers["ETag"]}, buffered=True)
    assert again.status_code == 304


def test_photos_of_a_pending_post_are_only_for_its_author_and_moderators(client, make, auth):
    author = make.user()
    post = _post_with_photo(make, PostStatus.PENDING, author=author)
    url = f"/photos/{post.photos[0].id}/full"
    assert client.get(url, buffered=True).status_code == 404
    auth.login(make.user())
    assert client.get(url, buffered=True).status_code == 404
    auth.logout()
    auth.login(author)
    response = client.get(url, buffered=True)
    assert response.status_code == 200 and "private" in response.headers["Cache-Control"]
    auth.logout()
    auth.login(make.user(Role.MODERATOR))
    assert client.get(url, buffered=True).status_code == 200


def test_unknown_photos_and_variants_are_404(client, make):
    post = _post_with_photo(make)
    assert client.get("/photos/999/full", buffered=True).status_code == 404
    assert client.get(f"/photos/{post.photos[0].id}/original", buffered=True).status_code == 404


# --- removing --------------------------------------------------------------------------------


def test_a_moderator_removes_a_photo_and_its_files_go(client, make, auth):
    post = _post_with_photo(make)
    photo = post.photos[0]
    photo_id, paths = photo.id, [photos.path_of(photo.file_key), photos.path_of(photo.thumb_key)]
    auth.login(make.user(Role.MODERATOR))
    response = client.post(f"/photos/{photo_id}/remove")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/posts/{post.id}#photos")
    db.session.rollback()  # see what the request committed in its own session
    assert db.session.get(Photo, photo_id) is None
    assert not any(path.exists() for path in paths)


def test_a_file_used_by_another_post_stays_when_one_is_removed(client, make, auth):
    data = jpeg_with_gps()
    first, second = _post_with_photo(make, data=data), _post_with_photo(make, data=data)
    assert first.photos[0].file_key == second.photos[0].file_key
    auth.login(make.user(Role.MODERATOR))
    client.post(f"/photos/{first.photos[0].id}/remove")
    assert photos.path_of(second.photos[0].file_key).exists()
    assert client.get(f"/photos/{second.photos[0].id}/full", buffered=True).status_code == 200


def test_residents_cannot_remove_photos_of_published_posts(client, make, auth):
    author = make.user()
    post = _post_with_photo(make, author=author)
    auth.login(author)
    assert client.post(f"/photos/{post.photos[0].id}/remove").status_code == 403
    assert client.get(f"/photos/{post.photos[0].id}/full", buffered=True).status_code == 200


def test_visitors_are_asked_to_sign_in_to_remove(client, make):
    post = _post_with_photo(make)
    assert client.post(f"/photos/{post.photos[0].id}/remove").status_code == 401


def test_the_author_edits_photos_while_the_post_is_pending(client, make, auth):
    author = make.user()
    post = _post_with_photo(make, PostStatus.PENDING, author=author)
    old_key = post.photos[0].file_key
    auth.login(author)
    new_photo = _file(image_bytes("PNG"), "new.png")
    form = _post_form(post.category, remove_photos=[str(post.photos[0].id)], photos=[new_photo])
    response = client.post(f"/posts/{post.id}/edit", data=form, content_type="multipart/form-data")
    assert response.status_code == 302
    db.session.rollback()  # see what the request committed in its own session
    db.session.refresh(post)
    assert len(post.photos) == 1 and post.photos[0].content_type == "image/jpeg"
    assert post.photos[0].file_key != old_key and not photos.path_of(old_key).exists()


def test_an_edit_cannot_go_past_three_photos(client, make, auth):
    author = make.user()
    post = _post_with_photo(make, PostStatus.PENDING, author=author)
    auth.login(author)
    uploads = [_file(image_bytes(color=c), f"{c}.jpg") for c in ("red", "green", "blue")]
    response = client.post(
        f"/posts/{post.id}/edit", data=_post_form(post.category, photos=uploads), content_type="multipart/form-data"
    )
    assert response.status_code == 422
    db.session.rollback()  # see what the request committed in its own session
    db.session.refresh(post)
    assert len(post.photos) == 1


def test_list_cards_show_a_thumbnail_without_one_query_per_post(client, make, count_queries):
    for _ in range(3):
        _post_with_photo(make)
    with statements_on(count_queries, "photo") as statements:
        html = client.get("/posts").get_data(as_text=True)
    assert html.count('class="post-card-thumb"') == 3
    assert len(statements) == 1


def test_prune_removes_only_unused_old_files(app, make, runner):
    post = _post_with_photo(make)
    with app.test_request_context():
        staged, _ = photos.receive_uploads([Upload(image_bytes("PNG"), "x.png")], [], make.user(), room=3)
    orphan = photos.path_of(staged[0].file_key)
    assert "Removed 0" in runner.invoke(args=["posts", "prune-photos"]).output  # too young
    result = runner.invoke(args=["posts", "prune-photos", "--older-than-hours", "0"])
    assert "Removed 2" in result.output
    assert not orphan.exists() and photos.path_of(post.photos[0].file_key).exists()


def test_a_removed_photo_leaves_the_visitors_cached_page_at_once(app, client, make, auth):
    post = _post_with_photo(make)
    photo_url = f"/photos/{post.photos[0].id}/thumb"
    assert photo_url in client.get(f"/posts/{post.id}").get_data(as_text=True)  # now cached for visitors
    moderator = app.test_client()
    moderator.post("/login", data={"email": make.user(Role.MODERATOR).email, "password": "correct horse battery"})
    moderator.post(f"/photos/{post.photos[0].id}/remove")
    assert photo_url not in client.get(f"/posts/{post.id}").get_data(as_text=True)


def test_sending_the_post_form_is_rate_limited(app, client, make, auth):
    app.config["POSTING_RATE_LIMIT"] = "2 per hour"
    auth.login(make.user())
    statuses = [client.post("/posts/new", data={"title": "x"}).status_code for _ in range(3)]
    assert statuses == [422, 422, 429]
    assert client.get("/posts/new").status_code == 200  # reading the form is never limited
