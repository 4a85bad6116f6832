"""The pages of calls, "is it fixed?", follows and profiles pass axe-core in Persian and English."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from app.accounts.models import Role
from app.alerts import services as alerts
from app.calls import services as calls
from app.extensions import db
from app.fixes import services as fixes
from app.moderation import workflow
from app.posts.models import PostStatus
from tests.browser.helpers import sign_in, use_language
from tests.browser.test_accessibility import _visit
from tests.calls.conftest import open_call  # noqa: F401  (a fixture)


@pytest.mark.parametrize("language", ["fa", "en"])
def test_the_new_pages_pass_axe(page: Page, make, axe, screenshot, base_url, language, open_call):  # noqa: F811
    call, staff = open_call()
    author = make.user(display_name="زهرا کریمی")
    idea = calls.submit_idea(
        call, author, title="نیمکت‌های سایه‌دار در پیاده‌رو", body="در هر بلوک یک نیمکت سایه‌دار بگذارید."
    )
    workflow.transition(idea, "approve", make.user(Role.MODERATOR))
    resolved = make.post(PostStatus.RESOLVED, author=author, title="چراغ خاموش کوچه‌ی بهار")
    alerts.follow_category(author, resolved.category)
    alerts.follow_area(author, 36.288, 59.6157, 500)
    db.session.commit()
    fixes.confirm_fix(resolved, make.user())
    db.session.commit()
    use_language(page, base_url, language)
    for name, path in [
        ("calls", "/calls/"),
        ("call", f"/calls/{call.id}"),
        ("profile-public", f"/people/{author.id}"),
        ("statistics-fixes", "/statistics"),
    ]:
        _visit(page, path, name, language, axe, screenshot)
    sign_in(page, author.email, language)
    for name, path in [
        ("post-is-it-fixed", f"/posts/{resolved.id}"),
        ("call-new-idea", f"/calls/{call.id}/ideas/new"),
        ("following", "/following/"),
        ("profile-privacy", "/people/me/privacy"),
    ]:
        _visit(page, path, name, language, axe, screenshot)
    page.context.clear_cookies()
    use_language(page, base_url, language)
    sign_in(page, staff.email, language)
    for name, path in [("call-open-form", "/calls/new"), ("call-extend", f"/calls/{call.id}/extend")]:
        _visit(page, path, name, language, axe, screenshot)
