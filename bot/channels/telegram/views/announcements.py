"""Announcements from organisers, as members receive them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.channels.telegram.outbox.outgoing import Outgoing, RenderContext
from bot.channels.telegram.outbox.splitting import TextEntity, utf16_len
from bot.i18n import Catalogs, Translator, find_language
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


# --- /announce: what the organiser sees before sending ------------------------------------------


def language_name(tag: str) -> str:
    language = find_language(tag)
    return language.native_name if language is not None else tag


def review_lines(t: Translator, preview: announcements.Preview) -> str:
    """Who gets it in which language and which languages read a fallback text: the lines
    `samen announce` prints, in the organiser's language."""
    languages = ", ".join(
        f"{language_name(tag)} {t.fmt_number(n)}" for tag, n in preview.by_language.items()
    )
    lines = [
        t.ngettext(
            "This announcement goes to {count} member of {community}: {languages}.",
            "This announcement goes to {count} members of {community}: {languages}.",
            preview.total,
            count=t.fmt_number(preview.total),
            community=preview.community_name,
            languages=languages,
        )
    ]
    for tag, shown in preview.missing.items():
        lines.append(
            "⚠️ "
            + t.gettext(
                "There is no text in {language}: those members will get the {fallback} text.",
                language=language_name(tag),
                fallback=language_name(shown),
            )
        )
    return "\n".join(lines)


def as_received(catalogs: Catalogs, tag: str, community_name: str, text: str) -> str:
    """One language's text as its readers will get it (the header in their language)."""
    reader = catalogs.translator(tag)
    return reader.gettext("Message from {community}", community=community_name) + "\n\n" + text
