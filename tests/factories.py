"""Factories that build real rows through the app's own services (and commit, like a request)."""

from __future__ import annotations

import functools
import itertools
import threading
import traceback
from contextvars import ContextVar
from datetime import timedelta

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.accounts import services as accounts
from app.accounts.models import Role, User
from app.core.db import utcnow
from app.departments.models import Department, ResponseTemplate
from app.extensions import db
from app.moderation import workflow
from app.moderation.models import ReasonTemplate
from app.posts import comments, votes
from app.posts.models import Category, Comment, Post, PostKind, PostStatus
from app.posts.services import submit_post
from app.search.store import index_store
from app.search.sync import QUEUED, queue_has_rows, try_drain

PASSWORD = "correct horse battery"
_counter = itertools.count(1)

# How to reach each status from a fresh post: the actions, and who makes them.
_PATHS: dict[PostStatus, list[str]] = {
    PostStatus.PENDING: [],
    PostStatus.PUBLISHED: ["approve"],
    PostStatus.REJECTED: ["reject"],
    PostStatus.FORWARDED: ["approve", "forward"],
    PostStatus.IN_PROGRESS: ["approve", "forward", "start"],
    PostStatus.RESOLVED: ["approve", "forward", "resolve"],
    PostStatus.DECLINED: ["approve", "forward", "decline"],
    PostStatus.WITHDRAWN: ["approve", "withdraw"],
}


# True inside a factory call (in this thread): its commits leave the queue to the end of the call.
_in_factory: ContextVar[bool] = ContextVar("in_factory", default=False)


class _Indexing:
    """When the rows that factory calls queued are written into the index (see `_indexed_once`)."""

    def __init__(self) -> None:
        self._eager = False
        self.left = False  # factory calls queued rows that are not in the index yet
        self.early_reads: list[str] = []  # the index read while they were left (see index_read)

    @property
    def eager(self) -> bool:
        """At the end of each factory call, as a request's commit would (set per test)."""
        return self._eager

    @eager.setter
    def eager(self, value: bool) -> None:
        self._eager = value
        if value:  # what factory calls made before it was asked for, written now
            index_what_factories_left()

    def check(self) -> None:
        """Fail if the index was read while the factories' rows waited (called as each test ends)."""
        early, self.early_reads = self.early_reads, []
        assert not early, (
            f"the search index was read {len(early)} time(s) before the factories' rows were written "
            "into it (set factory_indexing.eager = True); first read:\n" + early[0]
        )


INDEXING = _Indexing()
WROTE = "test_wrote"  # session.info key: this transaction wrote (flushed rows or ran a statement)


@event.listens_for(Session, "after_commit", insert=True)  # before app.search.sync drains after the commit
def _leave_the_queue_to_the_factory(session: Session) -> None:
    if _in_factory.get():
        session.info.pop(QUEUED, None)


@event.listens_for(Session, "after_flush")
def _note_flushed_writes(session: Session, _context) -> None:
    session.info[WROTE] = True


@event.listens_for(Session, "do_orm_execute")
def _note_written_statements(state) -> None:
    if not state.is_select:
        state.session.info[WROTE] = True


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _forget_writes(session: Session) -> None:
    session.info.pop(WROTE, None)


def _drain_from_the_test(*, deferred: bool) -> None:
    """The queue drained into the index from the test's own thread, as at the end of a request.

    The test's transaction is ended first if it only read (the moderator a pending post would go
    to), as the drain after a commit would have come before that read: on SQLite a reader must not
    see the drain's write and then write. A transaction that wrote is the test's to commit or roll
    back: a `deferred` drain (before a request) then leaves the rows, and a read of the index
    meanwhile is reported; at the end of a factory call (eager) the drain goes on, as it always did."""
    if not queue_has_rows():
        return
    session = db.session()
    if session.in_transaction():
        if not (session.new or session.dirty or session.deleted or session.info.get(WROTE)):
            session.commit()
        elif deferred:
            return
    try_drain(index_store())


_LEFT_LOCK = threading.Lock()  # requests sent from several threads of the test's app context drain once


def index_what_factories_left() -> None:
    """Write into the index what factory calls left queued: before a request, a command, or a kept
    world's copy. Then the index holds what it would have held had each factory call drained. If the
    queue could not be emptied (the index's writer busy, the test's own writes pending), the rows
    are still counted as left: a read of the index is then reported."""
    with _LEFT_LOCK:
        if INDEXING.left:
            _drain_from_the_test(deferred=True)
            INDEXING.left = queue_has_rows()


def index_read() -> None:
    """Called as the index is opened for reading (a searcher, its version): with rows the factories
    left queued, the test reads an index its factories have not written yet; it is recorded and the
    test fails at its end (`factory_indexing` in tests/conftest.py), never passes on a stale index.
    (Not checked: the index's health and folders, read by the search package's maintenance and by
    processes the test starts; tests of those ask for `eager`.)"""
    if INDEXING.left and queue_has_rows():
        INDEXING.early_reads.append("".join(traceback.format_stack(limit=8)[:-2]))


def _indexed_once(factory):
    """The search index written at most once for any number of factory calls, not after each commit.

    A factory commits several times (a post: submitted, approved, forwarded…), and each commit that
    changes a post drained the queue into the index (a Whoosh commit, the largest part of a factory's
    time). Here the queue is left as the factory calls fill it, and drained by the same `try_drain`
    that runs after a request's commit when the test next makes a request or runs a command
    (`index_what_factories_left`): a request's commit would have drained them by then. A read of
    the index in between is reported and fails the test (`index_read`). A test that reads the index itself
    (the search services, their queue) asks for `INDEXING.eager`: the queue drained at the end of
    each outermost factory call. Only when indexing after a commit is on and the queue was empty (or
    held only what factories left), so that a test that keeps rows queued (or a backlog, to measure
    a budget) sees exactly what the commits did. Requests (their own context, other threads) drain
    after their commits as always.
    """

    @functools.wraps(factory)
    def call(*args, **kwargs):
        if (
            _in_factory.get()
            or not current_app.config.get("SEARCH_SYNC_ON_COMMIT")
            or (not INDEXING.left and queue_has_rows())
        ):
            return factory(*args, **kwargs)
        token = _in_factory.set(True)
        try:
            return factory(*args, **kwargs)
        finally:
            _in_factory.reset(token)
            if INDEXING.eager:
                _drain_from_the_test(deferred=False)
            else:
                with _LEFT_LOCK:
                    INDEXING.left = True

    return call


class Factories:
    def department(self, **fields) -> Department:
        n = next(_counter)
        defaults = {"slug": f"dept-{n}", "name_fa": f"اداره {n}", "name_en": f"Department {n}"}
        department = Department(**(defaults | fields))
        db.session.add(department)
        db.session.commit()
        return department

    def category(self, *, department: Department | None = None, **fields) -> Category:
        n = next(_counter)
        category = Category(
            **{"slug": f"cat-{n}", "name_fa": f"دسته {n}", "name_en": f"Category {n}", **fields},
            default_department=department or self.department(),
        )
        db.session.add(category)
        db.session.commit()
        return category

    def user(self, role: Role = Role.RESIDENT, *, department: Department | None = None, **fields) -> User:
        user = self._new_user(role, department=department, **fields)
        db.session.commit()
        return user

    def _new_user(self, role: Role = Role.RESIDENT, *, department: Department | None = None, **fields) -> User:
        """A user through the accounts service, flushed but not committed."""
        n = next(_counter)
        if role is Role.STAFF and department is None:
            department = self.department()
        user = accounts.create_user(
            email=fields.pop("email", f"user{n}@example.org"),
            display_name=fields.pop("display_name", f"User {n}"),
            password=fields.pop("password", PASSWORD),
            role=role,
            department=department,
            verified=fields.pop("verified", True),
        )
        for name, value in fields.items():
            setattr(user, name, value)
        return user

    def trusted_user(self, **fields) -> User:
        """A resident whose flags count towards hiding: an old account with one visible comment."""
        user = self.user(**fields)
        self.comment(self._public_post(), author=user)
        user.created_at = utcnow() - timedelta(days=30)
        db.session.commit()
        return user

    def _public_post(self) -> Post:
        """One public post of its own where trusted users left their comment."""
        if getattr(self, "_contributions", None) is None:
            self._contributions = self.post(PostStatus.PUBLISHED, title="Where trusted residents comment")
        return self._contributions

    def post(
        self,
        status: PostStatus = PostStatus.PUBLISHED,
        *,
        author: User | None = None,
        category: Category | None = None,
        kind: PostKind = PostKind.PROBLEM,
        title: str = "چاله‌ی بزرگ در خیابان امام رضا",
        body: str = "یک چاله‌ی عمیق وسط خیابان است که شب‌ها دیده نمی‌شود.",
        **fields,
    ) -> Post:
        author = author or self.user()
        category = category or self.category()
        post = submit_post(author, kind=kind, title=title, body=body, category=category, **fields)
        db.session.commit()
        self.move(post, status)
        return post

    def move(self, post: Post, status: PostStatus) -> Post:
        """Walk the post along the workflow to the given status, as the right people would."""
        moderator = self._moderator(besides=post.author)
        for action in _PATHS[status]:
            actor = moderator
            if action in ("start", "resolve", "decline"):
                actor = self.user(Role.STAFF, department=post.department)
            elif action == "withdraw":
                actor = post.author
            note = "یادداشت" if workflow.TRANSITIONS[action].needs_note else None
            workflow.transition(post, action, actor, note=note)
            db.session.commit()
        return post

    def comment(
        self, post: Post, *, author: User | None = None, body: str = "من هم همین را دیدم.", parent=None
    ) -> Comment:
        comment = comments.add_comment(post, author or self.user(), body, parent=parent)
        db.session.commit()
        return comment

    def _moderator(self, besides: User | None = None) -> User:
        """A moderator (not `besides`: nobody approves their own post)."""
        query = db.select(User).where(User.role == Role.MODERATOR)
        if besides is not None:
            query = query.where(User.id != besides.id)
        moderator = db.session.scalar(query.order_by(User.id).limit(1))
        return moderator or self.user(Role.MODERATOR)

    def supporters(self, post: Post, count: int, *, value: int = votes.SUPPORT) -> list[User]:
        """`count` new residents vote on the post (through the voting service, signals and all).

        The residents are committed together, then their votes: a commit expires every object the
        session holds, so a commit per resident made a thousand supporters cost seconds."""
        voters = [self._new_user() for _ in range(count)]
        db.session.commit()
        for voter in voters:
            votes.cast_vote(voter, post, value)
        db.session.commit()
        return voters

    def reason_template(self, **fields) -> ReasonTemplate:
        n = next(_counter)
        template = ReasonTemplate(
            title_fa=fields.pop("title_fa", f"دلیل {n}"),
            title_en=fields.pop("title_en", f"Reason {n}"),
            body_fa=fields.pop("body_fa", "این پست به شهر مربوط نیست."),
            body_en=fields.pop("body_en", "This post is not about the city."),
            **fields,
        )
        db.session.add(template)
        db.session.commit()
        return template

    def response_template(self, department: Department, action: str = "resolve", **fields) -> ResponseTemplate:
        template = ResponseTemplate(
            department_id=department.id,
            action=action,
            title=fields.pop("title", f"{action} template"),
            body=fields.pop("body", "کار انجام شد. سپاس از گزارش شما."),
            **fields,
        )
        db.session.add(template)
        db.session.commit()
        return template


for _name, _factory in list(vars(Factories).items()):
    if callable(_factory) and not _name.startswith("_"):
        setattr(Factories, _name, _indexed_once(_factory))
