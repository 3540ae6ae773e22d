"""What the outbox sends, rendered in the recipient's language at the moment it is sent.

An outbox payload says *what* to send: `{"kind": "<renderer>", ...params}`. A renderer turns
it into an `Outgoing` — text (with formatting entities), optional inline buttons and an
optional document — for one recipient's `Translator`. Features register their kinds in
`build_renderers()`; the sender (`sender.py`) looks them up by kind.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.channels.telegram.outbox.splitting import TextEntity, utf16_len
from bot.i18n import Translator
from bot.services.outbox import Claimed, announcements
from bot.services.outbox.dispatcher import RenderError


@dataclass(frozen=True)
class Button:
    label: str
    callback_data: str  # opaque ids, at most 64 bytes; re-checked when pressed


@dataclass(frozen=True)
class Document:
    filename: str
    content: bytes
    caption: str | None = None


@dataclass(frozen=True)
class Outgoing:
    text: str
    entities: tuple[TextEntity, ...] = ()
    buttons: tuple[tuple[Button, ...], ...] = ()  # rows of buttons
    document: Document | None = None


@dataclass
class RenderContext:
    """What a renderer may use besides the payload: the session (read only), the row and a
    cache shared by the rows rendered together (load a community once, not 200 times)."""

    session: AsyncSession
    row: Claimed
    cache: dict[Any, Any] = field(default_factory=dict)

    async def cached(self, key: Any, load: Callable[[], Awaitable[Any]]) -> Any:
        if key not in self.cache:
            self.cache[key] = await load()
        return self.cache[key]


Renderer = Callable[[Translator, Mapping[str, Any], RenderContext], Awaitable[Outgoing]]


class Renderers:
    """Payload kind → renderer."""

    def __init__(self) -> None:
        self._by_kind: dict[str, Renderer] = {}

    def register(self, kind: str, renderer: Renderer) -> None:
        if kind in self._by_kind:
            raise ValueError(f"a renderer for {kind!r} is already registered")
        self._by_kind[kind] = renderer

    def get(self, kind: str) -> Renderer:
        try:
            return self._by_kind[kind]
        except KeyError:
            raise RenderError(f"no renderer for kind {kind!r}") from None

    def __contains__(self, kind: object) -> bool:
        return kind in self._by_kind


def build_renderers() -> Renderers:
    """Every kind the outbox can send. Invitations, reminders and check-ins add theirs here."""
    renderers = Renderers()
    renderers.register(announcements.KIND, render_announcement)
    # Imported here: the meeting views build on this module's types.
    from bot.channels.telegram.views import checkins as checkin_views
    from bot.channels.telegram.views import meetings as meeting_views
    from bot.services import checkins, meetings
    from bot.services.meetings import invitations

    renderers.register(invitations.KIND, meeting_views.render_invitation)
    renderers.register(meetings.KIND_CHANGE, meeting_views.render_change)
    renderers.register(checkins.KIND, checkin_views.render_checkin)
    return renderers


async def render_announcement(
    t: Translator, payload: Mapping[str, Any], ctx: RenderContext
) -> Outgoing:
    """A bold line naming the community, then the organiser's text in the best language."""
    texts = payload.get("texts")
    community_id = payload.get("community_id")
    if not isinstance(texts, Mapping) or not texts or not isinstance(community_id, int):
        raise RenderError("announcement payload needs texts and community_id")
    community = await ctx.cached(
        ("community", community_id),
        lambda: announcements.community_info(ctx.session, community_id),
    )
    if community is None:
        raise RenderError("the announcement's community no longer exists")
    _locale, body = announcements.choose_text(
        texts,
        member_locale=ctx.row.locale,
        community_locale=community.default_locale,
        source_locale=payload.get("source_locale"),
    )
    header = t.gettext("Message from {community}", community=community.name)
    return Outgoing(
        text=f"{header}\n\n{body}",
        entities=(TextEntity("bold", 0, utf16_len(header)),),
    )
