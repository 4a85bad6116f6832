"""The PostgreSQL backend's own machinery: terms written in the post's transaction, exact term counts,
the same similar-posts scores as Whoosh, check and rebuild, and several app hosts on one database."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
import requests
from sqlalchemy import func, select, text

from app.accounts.models import Role
from app.extensions import db
from app.moderation import flags
from app.moderation.models import FlagReason
from app.posts.models import Post, PostStatus
from app.search import maintenance
from app.search.analysis import analyze
from app.search.backend import search_backend
from app.search.pg.searcher import PgSearcher
from app.search.pg.tables import post_search, search_term
from app.search.pg.terms import term_set
from app.search.similarity import QueryPost, find_similar
from app.search.store import index_store
from tests.factories import PASSWORD

pytestmark = pytest.mark.backends("postgres")
ROOT = Path(__file__).resolve().parents[2]


def rows() -> dict[int, str]:
    """post id -> the analysed words its row holds, as committed."""
    db.session.rollback()
    return dict(db.session.execute(select(post_search.c.post_id, post_search.c.words)).all())


def counts() -> dict[tuple[str, str], int]:
    db.session.rollback()
    found = db.session.execute(select(search_term.c.field, search_term.c.term, search_term.c.df))
    return {(field, term): df for field, term, df in found if df}


def recounted() -> dict[tuple[str, str], int]:
    """The counts as they must be: every row's terms counted afresh."""
    total: Counter = Counter({("#", ""): 0})
    for words, spell in db.session.execute(select(post_search.c.words, func.tsvector_to_array(post_search.c.spell))):
        total.update(term_set(words.split(), spell))
        total[("#", "")] += 1
    return {key: df for key, df in total.items() if df}


def test_a_committed_post_has_its_terms_at_once_made_by_our_analyzer(make):
    post = make.post(PostStatus.PENDING, title="آلودگی‌های هوا در میدان شهدا", body="Potholes everywhere on this street")
    assert search_backend().name == "postgres"
    assert rows()[post.id] == " ".join(analyze(f"{post.title}\n{post.body}"))
    assert db.session.scalar(text("SELECT count(*) FROM search_queue")) == 0  # nothing is queued


def test_a_rolled_back_post_leaves_no_terms_and_no_counts(make):
    make.post()
    before = counts()
    author, category = make.user(), make.category()
    post = Post(kind="problem", title="این هرگز ثبت نشد", body="متن", category=category, author=author)
    db.session.add(post)
    db.session.flush()
    post_id = post.id
    db.session.rollback()
    assert post_id not in rows() and counts() == before


def test_term_counts_stay_exact_through_edits_votes_and_deletes(make):
    first = make.post(title="چراغ خیابان سجاد خاموش است")
    second = make.post(title="چراغ خیابان احمدآباد خاموش است", body="Streetlight out since Monday")
    first.title = "درخت افتاده در بلوار وکیل‌آباد"
    db.session.commit()
    make.supporters(second, 2)
    db.session.delete(second)
    db.session.commit()
    assert counts() == recounted()
    assert counts()[("#", "")] == 1 and ("t", "سجاد") not in counts()


def test_similar_posts_score_the_same_on_postgresql_as_on_whoosh(make):
    spot = {"latitude": 36.2880, "longitude": 59.6157}
    titles = [
        ("چاله‌ی عمیق جلوی ایستگاه اتوبوس حرم", spot),
        ("چاله‌ی بزرگ جلوی ایستگاه اتوبوس", {}),
        ("سطل زباله‌ی پر در کوچه", {"latitude": 36.2881, "longitude": 59.6158}),
        ("Pothole in front of the bus stop", {}),
        ("درخت افتاده در بلوار وکیل‌آباد", {}),
    ]
    for title, place in titles:
        make.post(title=title, body=f"{title} و کسی رسیدگی نمی‌کند.", **place)
    maintenance.rebuild(index_store())  # the same posts in a Whoosh index, beside
    query = QueryPost(title="چاله جلوی ایستگاه اتوبوس", body="چاله‌ای عمیق", lat=36.28801, lon=59.61571)
    with index_store().searcher() as whoosh:
        expected = find_similar(whoosh, query, limit=10)
    found = find_similar(PgSearcher(db.session), query, limit=10)
    assert [hit.id for hit in found] == [hit.id for hit in expected] and len(found) >= 2
    for ours, theirs in zip(found, expected, strict=True):
        assert ours.score == pytest.approx(theirs.score, rel=1e-9)
        assert ours.text == pytest.approx(theirs.text, rel=1e-9)


def test_a_visitors_cached_post_page_shows_a_new_similar_post_at_once(client, make):
    title = "چاله‌ی عمیق جلوی ایستگاه اتوبوس حرم"
    other = make.post(title="چاله‌ی بزرگ جلوی ایستگاه اتوبوس حرم", body=title)
    assert "پست‌های مشابه" not in client.get(f"/posts/{other.id}").get_data(as_text=True)
    pothole = make.post(title=title, body=title)
    assert f'href="/posts/{pothole.id}"' in client.get(f"/posts/{other.id}").get_data(as_text=True)


def test_check_reports_rows_written_around_the_orm_and_fix_repairs_them(app, make, runner):
    kept, changed, gone = (make.post(title=f"پست شماره {n} برای بررسی").id for n in range(3))
    missing = make.post(title="این پست ردیفی ندارد").id
    db.session.execute(text("DELETE FROM post_search WHERE post_id = :id"), {"id": missing})
    db.session.execute(text("UPDATE post SET title = 'عنوان تازه بی‌ردیف' WHERE id = :id"), {"id": changed})
    db.session.execute(text("DELETE FROM post WHERE id = :id"), {"id": gone})
    db.session.commit()

    result = runner.invoke(args=["search", "check"])
    assert result.exit_code == 1
    for label, post_id in (("missing", missing), ("stale", changed), ("extra", gone)):
        assert f"{label}: 1 (post ids {post_id})" in result.output

    result = runner.invoke(args=["search", "check", "--fix"])
    assert result.exit_code == 0 and "Fixed: re-indexed 3 posts" in result.output
    assert set(rows()) == {kept, changed, missing} and "تازه" in rows()[changed]
    assert runner.invoke(args=["search", "check"]).exit_code == 0


def test_rebuild_writes_every_post_afresh_and_the_worker_builds_missing_terms(make, runner, search):
    posts = [make.post(title=f"نیمکت شکسته شماره {n}") for n in range(3)]
    db.session.execute(text("DELETE FROM post_search"))
    db.session.execute(text("DELETE FROM search_term"))
    db.session.commit()  # as on a site that ran Whoosh until now
    assert search("نیمکت")[1] == []
    result = runner.invoke(args=["worker", "--once"])
    assert "rebuilt the missing or damaged search index, posts: 3" in result.output, result.output
    assert set(search("نیمکت")[1]) == {p.id for p in posts}
    result = runner.invoke(args=["search", "rebuild"])
    assert result.exit_code == 0 and "Indexed 3 posts" in result.output
    assert counts() == recounted()


def test_a_hidden_post_is_never_found_even_though_its_terms_stay(make, search):
    post = make.post(title="نیمکت شکسته در پارک ملت")
    flags.uphold(make._moderator(), post, FlagReason.OFFENSIVE)
    db.session.commit()
    assert post.id in rows() and search("نیمکت")[1] == []


def test_the_departments_queue_and_the_api_search_go_through_postgresql(client, make, auth):
    department, other = make.department(), make.department()
    wanted = make.post(
        PostStatus.FORWARDED, category=make.category(department=department), title="کوچه‌ی تاریک پشت بیمارستان"
    )
    make.post(PostStatus.FORWARDED, category=make.category(department=other), title="کوچه‌ی تاریک دیگری در شهر")
    found = client.get("/api/v1/search", query_string={"q": "كوچه تاريك"}).get_json()  # Arabic kaf and yeh
    assert found["available"] and found["total"] == 2
    auth.login(make.user(Role.STAFF, department=department))
    page = client.get(f"/departments/{department.slug}?q=كوچه تاريك").get_data(as_text=True)
    assert "پشت بیمارستان" in page and "دیگری" not in page and f"/posts/{wanted.id}" in page


# ----------------------------------------------------------------------------- several hosts

HOST = """
import sys
from werkzeug.serving import make_server
from app import create_app

app = create_app()
assert app.extensions["search_backend"].name == "postgres", app.extensions["search_backend"]
server = make_server("127.0.0.1", 0, app, threaded=True)
print(server.server_port, flush=True)
server.serve_forever()
"""


def _start_host(instance: Path, database_url: str) -> tuple[subprocess.Popen, str]:
    environment = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SHAHRVAND_INSTANCE_PATH": str(instance),
        "SHAHRVAND_WTF_CSRF_ENABLED": "false",
        "SHAHRVAND_RATELIMIT_STORAGE_URI": "memory://",
        "SHAHRVAND_SEARCH_EMBEDDINGS": "false",
        "PYTHONPATH": str(ROOT),
    }
    environment.pop("SHAHRVAND_SEARCH_BACKEND", None)  # chosen by the database: PostgreSQL's own
    process = subprocess.Popen(
        [sys.executable, "-c", HOST], cwd=ROOT, env=environment, stdout=subprocess.PIPE, text=True
    )
    port = process.stdout.readline().strip()
    assert port.isdigit(), f"the host did not start (exit status {process.poll()})"
    return process, f"http://127.0.0.1:{port}"


def test_a_post_written_through_one_host_is_found_through_another_at_once(app, make, tmp_path):
    resident, moderator, category = make.user(), make.user(Role.MODERATOR), make.category()
    db.session.commit()
    database_url = app.config["SQLALCHEMY_DATABASE_URI"]
    hosts = [_start_host(tmp_path / name, database_url) for name in ("host-a", "host-b")]
    try:
        (_, writer_url), (_, reader_url) = hosts
        writer, reader = requests.Session(), requests.Session()
        for session, url, user in ((writer, writer_url, resident), (reader, reader_url, moderator)):
            answer = session.post(
                f"{url}/login", data={"email": user.email, "password": PASSWORD}, allow_redirects=False
            )
            assert answer.status_code == 302
        query = {"q": "کیوسک روزنامه واژگون"}
        assert 'id="hit-' not in reader.get(f"{reader_url}/search", params=query).text
        draft = {"kind": "problem", "title": "کیوسک روزنامه واژگون شده", "body": "باد کیوسک را انداخت."}
        answer = writer.post(f"{writer_url}/posts/new", data=draft | {"category": category.id}, allow_redirects=False)
        assert answer.status_code == 302, answer.text[:500]
        started = time.monotonic()
        page = reader.get(f"{reader_url}/search", params=query).text  # the very next request, on the other host
        db.session.rollback()
        post_id = db.session.scalar(select(Post.id).where(Post.title == draft["title"]))
        assert f'id="hit-{post_id}"' in page and time.monotonic() - started < 5
        assert not (tmp_path / "host-a" / "search-index").exists()  # no folder on either host
    finally:
        for process, _url in hosts:
            process.terminate()
            process.wait(timeout=10)
            process.stdout.close()
