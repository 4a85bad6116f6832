"""Moderation thresholds: defaults in app.config, overridden by admins through Setting rows."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from flask import current_app
from sqlalchemy import select

from app.core.db import utcnow
from app.extensions import db
from app.moderation import audit
from app.moderation.models import Setting


@dataclass(frozen=True)
class Thresholds:
    flag_hide: int
    promising: float
    auto_forward_enabled: bool
    auto_forward: float


# setting key -> (config name, parser)
_KEYS = {
    "flag_hide": ("FLAG_HIDE_THRESHOLD", int),
    "promising": ("PROMISING_THRESHOLD", float),
    "auto_forward_enabled": ("AUTO_FORWARD_ENABLED", lambda v: str(v).lower() in ("1", "true", "yes")),
    "auto_forward": ("AUTO_FORWARD_THRESHOLD", float),
}

# Built once, on the table (no ORM compilation): every vote on a published post reads it.
_STORED = select(Setting.__table__.c.key, Setting.__table__.c.value)


def thresholds() -> Thresholds:
    """The thresholds in force: a stored override where an admin set one, else the configuration."""
    stored = dict(db.session.execute(_STORED).all())
    values = {}
    for key, (config_name, parse) in _KEYS.items():
        raw = stored.get(key)
        try:
            values[key] = parse(raw) if raw is not None else parse(current_app.config[config_name])
        except (TypeError, ValueError):  # a hand-edited row must not break moderation
            values[key] = parse(current_app.config[config_name])
    return Thresholds(**values)


def update_thresholds(actor, new: Thresholds) -> None:
    """Store the admin's thresholds and log what changed."""
    old = thresholds()
    changed = {
        key: {"from": before, "to": after}
        for (key, before), after in zip(asdict(old).items(), asdict(new).values(), strict=True)
        if before != after
    }
    if not changed:
        return
    for key in changed:
        row = db.session.get(Setting, key) or Setting(key=key)
        row.value = str(getattr(new, key))
        row.updated_at = utcnow()
        row.updated_by_id = actor.id
        db.session.add(row)
    db.session.flush()
    audit.record(actor, "change_settings", db.session.get(Setting, next(iter(changed))), details=changed)
