"""An edit after approval reaches the index and the post's vector through the queue; a withdrawn post
leaves search and similar posts."""

from __future__ import annotations

import re

from app.extensions import db
from app.moderation import workflow
from app.posts.services import edit_post
from tests.search.conftest import queued
from tests.search.test_embeddings import embedded_rows

TITLE, BODY = "درخت افتاده در پیاده‌روی بلوار وکیل‌آباد", "درخت کهنسال پس از طوفان روی پیاده‌رو افتاده و راه بسته است."


def similar_ids(client, title: str) -> list[int]:
    html = client.get("/search/similar", query_string={"title": title}, headers={"HX-Request": "true"})
    return [int(i) for i in re.findall(r'data-post-id="(\d+)"', html.get_data(as_text=True))]


def test_an_edit_after_approval_is_indexed_and_embedded_again(app, make, runner, search, e5_model):
    post = make.post(title=TITLE, body=BODY)
    runner.invoke(args=["worker", "--once"])
    first_hash = embedded_rows()[post.id].text_hash
    assert post.id not in search("سیم برق")[1]
    edit_post(post, title=TITLE, body=BODY + " شاخه‌ها روی سیم برق افتاده‌اند.", category=post.category)
    db.session.commit()
    assert post.id in search("سیم برق")[1]
    assert queued() == 0
    assert "embedded, posts: 1" in runner.invoke(args=["worker", "--once"]).output
    assert embedded_rows()[post.id].text_hash != first_hash


def test_a_withdrawn_post_leaves_search_and_similar_posts(client, make, search):
    post = make.post(title=TITLE, body=BODY)
    assert post.id in search("درخت افتاده")[1] and post.id in similar_ids(client, TITLE)
    workflow.transition(post, "withdraw", post.author)
    db.session.commit()
    assert post.id not in search("درخت افتاده")[1] and post.id not in similar_ids(client, TITLE)
