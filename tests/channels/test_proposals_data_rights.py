"""A member's proposals and supports are theirs: /mydata shows them, /delete erases them —
except a topic already on an agenda, which keeps its text without any link to the person."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.db.models import Proposal, ProposalText, Support
from tests.coownership_support import invited_community, tap_on
from tests.factories import SANNE
from tests.harness import BotHarness, json_document


async def test_erasure_keeps_an_agenda_topic_without_its_proposer(bot: BotHarness) -> None:
    runtime = bot.runtime
    group = await invited_community(bot, 983_000_001)
    nl, uk = (runtime.catalogs.translator(tag) for tag in ("nl", "uk"))
    # Olena proposes one topic by voice with a caption, one by text; Sanne accepts both
    # and puts the voice one on the agenda.
    await bot.say(group.olena, "/propose")
    voice = bot.updates.voice(group.olena, 14, "voice-olena-1")
    voice["message"]["caption"] = "Житло"
    await bot.feed(voice)
    await bot.say(group.olena, "/propose")
    await bot.say(group.olena, "Мовне кафе")
    await bot.say(SANNE, "/meeting")
    await bot.tap(SANNE, f"Samen koken · {nl.fmt_date(group.meeting.starts_at, 'medium')}")
    await bot.tap(SANNE, nl.ngettext("Topics ({count} new)", "Topics ({count} new)", 2, count="2"))
    await bot.tap(SANNE, nl.gettext("Accept"))
    await bot.tap(SANNE, nl.gettext("Accept"))
    await bot.tap(SANNE, f"Samen koken · {nl.fmt_date(group.meeting.starts_at, 'medium')}")
    await bot.tap(SANNE, nl.ngettext("Topics ({count} new)", "Topics ({count} new)", 0, count="0"))
    await tap_on(bot, SANNE, "Житло", nl.gettext("Put on the agenda"))
    # Olena supports both.
    await bot.say(group.olena, "/topics")
    await bot.tap(group.olena, uk.gettext("{mark} Support {number}", mark="☆", number="1"))
    await bot.tap(group.olena, uk.gettext("{mark} Support {number}", mark="☆", number="2"))

    calls = await bot.feed(bot.updates.text(group.olena, "/mydata"))
    summary = calls[0].text or ""
    assert (
        uk.ngettext("{count} topic you proposed:", "{count} topics you proposed:", 2, count="2")
        in summary
    )
    assert (
        uk.ngettext("You support {count} topic.", "You support {count} topics.", 2, count="2")
        in summary
    )
    document = json_document(calls[-1])
    assert [p["texts"] for p in document["proposals"]] == [{"uk": "Житло"}, {"uk": "Мовне кафе"}]
    assert document["proposals"][0]["voice_file_id"] == "voice-olena-1"
    assert len(document["supports"]) == 2

    await bot.say(group.olena, "/delete")
    await bot.tap(group.olena, uk.gettext("Yes, delete everything"))
    async with runtime.sessions() as session:
        kept = list(await session.scalars(select(Proposal)))
        texts = list(await session.scalars(select(ProposalText.text)))
        supports = await session.scalar(select(func.count(Support.id)))
    assert len(kept) == 1
    assert kept[0].on_agenda
    assert kept[0].member_id is None
    assert kept[0].dedupe_key is None
    assert kept[0].voice_file_id is None  # her voice goes; the written text stays
    assert texts == ["Житло"]
    assert supports == 0
