"""In-process notices sent when a transaction commits, e.g. "outbox rows were queued".

A service marks its session (`notify_after_commit`); the listeners subscribed on the
runtime's `Notices` run once the transaction has really committed, and never after a
rollback. Other processes do not hear them: they find the rows at their next periodic tick.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

_PENDING_KEY = "samen.notices"
OUTBOX_QUEUED = "outbox.queued"
# Personal rows were deleted (an erasure, a retention purge): time to scrub the disk.
ROWS_ERASED = "rows.erased"


class Notices:
    """Topic → listeners; one instance per runtime (no global state)."""

    def __init__(self) -> None:
        self._listeners: dict[str, list[Callable[[], None]]] = {}

    def subscribe(self, topic: str, listener: Callable[[], None]) -> Callable[[], None]:
        """Call `listener` after every commit that noted `topic`; returns an unsubscribe."""
        self._listeners.setdefault(topic, []).append(listener)

        def unsubscribe() -> None:
            listeners = self._listeners.get(topic, [])
            if listener in listeners:
                listeners.remove(listener)

        return unsubscribe

    def notify(self, topic: str) -> None:
        for listener in list(self._listeners.get(topic, ())):
            try:
                listener()
            except Exception:  # a listener must never break the caller's commit
                log.exception("notice listener failed", extra={"kind": topic})


def notify_after_commit(session: AsyncSession | Session, topic: str) -> None:
    """Send `topic` to the runtime's listeners once this session's transaction commits."""
    session.info.setdefault(_PENDING_KEY, set()).add(topic)


def session_class(notices: Notices) -> type[Session]:
    """A Session class whose commits deliver the noted topics to `notices`."""
    cls: type[Session] = type("NotifyingSession", (Session,), {})

    def _after_commit(session: Session) -> None:
        for topic in session.info.pop(_PENDING_KEY, ()):
            notices.notify(topic)

    def _after_rollback(session: Session) -> None:
        session.info.pop(_PENDING_KEY, None)

    event.listen(cls, "after_commit", _after_commit)
    event.listen(cls, "after_soft_rollback", lambda session, _tx: _after_rollback(session))
    return cls
