"""What the outbox sends, as the channel sees it: an `Outgoing` message and its renderers.

An outbox payload says *what* to send: `{"kind": "<renderer>", ...params}`. A renderer turns
it into an `Outgoing` — text (with formatting entities), optional inline buttons and an
optional document — for one recipient's `Translator`. The views define renderers; the registry
(`bot.channels.telegram.renderers`) maps each kind to one; the sender looks them up by kind.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.channels.telegram.outbox.splitting import TextEntity
from bot.i18n import Translator
from bot.services.outbox import Claimed
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
class Media:
    """A voice note or photo already on Telegram, sent again by its file id (never stored)."""

    kind: str  # "voice" or "photo"
    file_id: str
    caption: str | None = None


@dataclass(frozen=True)
class Outgoing:
    text: str
    entities: tuple[TextEntity, ...] = ()
    buttons: tuple[tuple[Button, ...], ...] = ()  # rows of buttons
    document: Document | None = None
    media: Media | None = None  # sent instead of the text, with it as the caption


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
