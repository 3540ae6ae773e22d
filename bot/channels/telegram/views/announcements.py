"""Announcements from organisers, as members receive them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.channels.telegram.outbox.outgoing import Outgoing, RenderContext
from bot.channels.telegram.outbox.splitting import TextEntity, utf16_len
from bot.i18n import Translator
from bot.services.outbox import announcements
from bot.services.outbox.dispatcher import RenderError


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
        reads=ctx.row.reads_locales,
    )
    header = t.gettext("Message from {community}", community=community.name)
    return Outgoing(
        text=f"{header}\n\n{body}",
        entities=(TextEntity("bold", 0, utf16_len(header)),),
    )
