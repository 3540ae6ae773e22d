"""/reviewtexts with bad input: a changed placeholder is refused and named, an odd text is
questioned before it is kept, strangers and stale buttons change nothing; and a translator's
standing (ambassador, the languages they read) and their data (/mydata, /delete)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import select, update

from bot.config import Settings
from bot.db.models import AuditEvent, Member, Role, TextReview, Verdict
from bot.services.communities import roles
from bot.services.translations import catalog
from tests.channels.journeys import onboard
from tests.factories import DAWIT, NOOR, SANNE, Person, UpdateFactory, create_community
from tests.harness import BotHarness, Reply, Say, Send, Tap, Turn, json_document

ROOT = Path(__file__).resolve().parents[2]
HODAN = Person(910000211, "Hodan", "so")
JAMIE = Person(910000212, "Jamie", "en")  # reads only English, the source language


@pytest.fixture
def locales(tmp_path: Path) -> Path:
    copy = tmp_path / "locales"
    shutil.copytree(ROOT / "locales", copy)
    return copy


@pytest.fixture
def settings(settings: Settings, locales: Path) -> Settings:
    return settings.model_copy(update={"locales_dir": locales})


async def volunteer(bot: BotHarness, person: Person) -> None:
    t = bot.runtime.catalogs.translator(person.language_code)
    await bot.say(person, "/translator")
    await bot.tap(person, t.gettext("Become a translator"))


async def reviews_of(bot: BotHarness) -> list[TextReview]:
    async with bot.runtime.sessions() as session:
        return list(await session.scalars(select(TextReview).order_by(TextReview.id)))


async def refusals(bot: BotHarness) -> list[tuple[int | None, dict]]:
    async with bot.runtime.sessions() as session:
        events = await session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == "translator.refused")
            .order_by(AuditEvent.id)
        )
        return [(e.actor_user_id, e.details) for e in events]


async def test_a_changed_placeholder_is_refused_and_odd_texts_are_questioned(
    bot: BotHarness, locales: Path
) -> None:
    await create_community(bot.runtime)
    await onboard(bot, DAWIT)
    await volunteer(bot, DAWIT)
    t = bot.runtime.catalogs.translator("ti")
    # The first entry with one placeholder, after those Dawit skips (most important first).
    entries = catalog.pending(locales, "ti")
    first = next(i for i, e in enumerate(entries) if len(catalog.placeholders(e.msgid)) == 1)
    notice, changed = entries[first], entries[first + 1]
    (name,) = catalog.placeholders(notice.msgid)
    skips = [
        Turn(Tap(t.gettext("Skip")), [Reply(contains=[entry.msgid])])
        for entry in entries[1 : first + 1]
    ]
    ask = t.gettext(
        "Type the new text in {language}. Keep these placeholders exactly as they are: "
        "{placeholders}",
        language="ትግርኛ",
        placeholders=f"{{{name}}}",
    )
    refused = t.gettext(
        "I cannot keep this text: its placeholders in curly brackets must be exactly those "
        "of the English text."
    )
    stopped = t.gettext("Stopped. Your reviews are kept. Send /reviewtexts to go on.")
    sticker = Send(lambda factory, person: factory.sticker(person), "sticker")
    latin = f"Samen keeps your language for {{{name}}} months."
    long_text = f"ሰላም {{{name}}} " + "ሀ" * (3 * len(notice.msgid) + 40)
    await bot.transcript(
        DAWIT,
        [
            Turn(Say("/reviewtexts"), [Reply(contains=[entries[0].msgid])]),
            *skips,
            Turn(Tap(t.gettext("Correct it")), [Reply(text=ask, buttons=[t.gettext("Back")])]),
            Turn(
                Say("ሰላም {wrong}"),
                [
                    Reply(
                        contains=[
                            refused,
                            t.gettext("Missing: {names}", names=f"{{{name}}}"),
                            t.gettext("Not in the English text: {names}", names="{wrong}"),
                            ask,
                        ]
                    )
                ],
            ),
            Turn(
                Say(f"ሰላም {{{name}"),
                [
                    Reply(
                        contains=[
                            refused,
                            t.gettext("A curly bracket is not closed, or one is too many."),
                        ]
                    )
                ],
            ),
            Turn(sticker, [Reply(contains=[t.gettext("Please type some text."), ask])]),
            Turn(
                Say(latin),
                [
                    Reply(
                        contains=[
                            t.gettext(
                                "This text is not written in the usual script for {language}.",
                                language="ትግርኛ",
                            ),
                            t.gettext("Keep it anyway?"),
                        ],
                        buttons=[t.gettext("Keep it anyway"), t.gettext("Write it again")],
                    )
                ],
            ),
            Turn(Tap(t.gettext("Write it again")), [Reply(text=ask)]),
            Turn(
                Say(long_text),
                [
                    Reply(
                        contains=[
                            t.gettext("This text is much longer than the English one."),
                            t.gettext("Keep it anyway?"),
                        ]
                    )
                ],
            ),
            Turn(Tap(t.gettext("Keep it anyway")), [Reply(contains=[changed.msgid])]),
            Turn(Tap(t.gettext("Correct it")), [Reply(buttons=[t.gettext("Back")])]),
            Turn(
                Say("..."),
                [
                    Reply(
                        contains=[
                            t.gettext("This text has no letters."),
                            t.gettext("Keep it anyway?"),
                        ]
                    )
                ],
            ),
            Turn(Tap(t.gettext("Keep it anyway")), [Reply(contains=[t.gettext("English:")])]),
            Turn(Tap(t.gettext("Stop")), [stopped]),
        ],
    )
    kept = await reviews_of(bot)
    assert [(r.msgid, r.verdict, r.text) for r in kept] == [
        *((entry.msgid, Verdict.SKIPPED, None) for entry in entries[:first]),
        (notice.msgid, Verdict.CORRECTED, long_text.strip()),
        (changed.msgid, Verdict.CORRECTED, "..."),
    ]
    # Nothing a translator typed reaches what the bot says.
    assert bot.runtime.catalogs.translator("ti").gettext(changed.msgid) == changed.translation


async def test_strangers_are_refused_and_audited_and_stale_buttons_change_nothing(
    bot: BotHarness, locales: Path
) -> None:
    await create_community(bot.runtime)
    nl = bot.runtime.catalogs.translator("nl")
    not_a_translator = nl.gettext(
        "Only community translators can review the bot's texts. Send /translator to volunteer."
    )
    await onboard(bot, SANNE)
    assert await bot.say(SANNE, "/reviewtexts") == [not_a_translator]
    await bot.press(SANNE, "textreview:1:good")
    assert bot.last_callback_answer() == not_a_translator
    # Someone the bot has never met.
    noor = bot.runtime.catalogs.translator(None)
    assert await bot.say(NOOR, "/reviewtexts") == [
        noor.gettext(
            "Only community translators can review the bot's texts. Send /translator to volunteer."
        )
    ]
    # A volunteer who reads only English, the source: nothing to review.
    await onboard(bot, JAMIE)
    await volunteer(bot, JAMIE)
    en = bot.runtime.catalogs.translator("en")
    assert await bot.say(JAMIE, "/reviewtexts") == [
        en.gettext(
            "You can review texts only in a language you read, other than English. Add the "
            "languages you read to your profile first."
        )
    ]
    assert await refusals(bot) == [
        (SANNE.id, {"action": "reviewtexts", "reason": "not_translator"}),
        (SANNE.id, {"action": "reviewtexts.button", "reason": "not_translator"}),
        (NOOR.id, {"action": "reviewtexts", "reason": "not_translator"}),
        (JAMIE.id, {"action": "reviewtexts", "reason": "no_language"}),
    ]

    # A translator: an old button, a forged one, and one after they stopped volunteering.
    so = bot.runtime.catalogs.translator("so")
    await onboard(bot, HODAN)
    await volunteer(bot, HODAN)
    await bot.say(HODAN, "/reviewtexts")
    first_message, old_skip = bot.find_button(HODAN, so.gettext("Skip"))
    await bot.tap(HODAN, so.gettext("Good as it is"))
    inactive = so.gettext("This button is no longer active.")
    for data in (old_skip, "textreview:999:good", "textreview:1:nonsense", "trn:maybe"):
        await bot.press(HODAN, data, message_id=first_message)
        assert bot.last_callback_answer() == inactive, data
    assert [r.verdict for r in await reviews_of(bot)] == [Verdict.GOOD]

    await bot.say(HODAN, "/translator")
    await bot.tap(HODAN, so.gettext("Stop being a translator"))
    _, good = bot.find_button(HODAN, so.gettext("Good as it is"))
    await bot.press(HODAN, good)
    assert bot.last_callback_answer() == so.gettext(
        "Only community translators can review the bot's texts. Send /translator to volunteer."
    )
    assert [r.verdict for r in await reviews_of(bot)] == [Verdict.GOOD]
    assert (await refusals(bot))[-1] == (
        HODAN.id,
        {"action": "reviewtexts.button", "reason": "not_translator"},
    )
    # Her review has ended: what she writes now goes to her community, as any message does.
    answer = await bot.say(HODAN, "Salaan, su'aal ayaan qabaa")
    assert answer
    assert bot.last_callback_answer() not in answer
    assert [r.verdict for r in await reviews_of(bot)] == [Verdict.GOOD]


async def test_an_ambassador_who_reads_two_languages_chooses_one_and_can_erase_it_all(
    bot: BotHarness, locales: Path
) -> None:
    community = await create_community(bot.runtime)
    await onboard(bot, HODAN)
    async with bot.runtime.sessions() as session:
        # The other languages a member reads come from the profile (another branch's
        # walk-through); set here as that walk-through stores them.
        await session.execute(
            update(Member).where(Member.telegram_user_id == HODAN.id).values(reads_locales=["ar"])
        )
        await roles.grant(
            session,
            community_id=community.id,
            telegram_user_id=HODAN.id,
            role=Role.AMBASSADOR,
            now=bot.runtime.clock(),
        )
        await session.commit()
    t = bot.runtime.catalogs.translator("so")
    arabic = catalog.pending(locales, "ar")[0]
    await bot.transcript(
        HODAN,
        [
            Turn(
                Say("/translator"),
                [
                    Reply(
                        contains=[
                            t.gettext(
                                "You are a community translator. You can check the bot's texts "
                                "in: {languages}. Send /reviewtexts to start.",
                                languages="Soomaali, العربية",
                            ),
                            t.gettext(
                                "As an ambassador, you are a community translator in any case."
                            ),
                        ],
                        buttons=[t.gettext("Become a translator")],
                    )
                ],
            ),
            Turn(
                Say("/reviewtexts"),
                [
                    Reply(
                        text=t.gettext("Which language do you want to review?"),
                        buttons=["Soomaali", "العربية", t.gettext("Stop")],
                    )
                ],
            ),
            Turn(Say("hello"), [Reply(buttons=["Soomaali", "العربية", t.gettext("Stop")])]),
            Turn(
                Tap("العربية"),
                [
                    Reply(
                        contains=[
                            t.gettext("Now in {language}:", language="العربية"),
                            arabic.translation,
                        ]
                    )
                ],
            ),
            Turn(Tap(t.gettext("Good as it is")), [Reply(contains=[t.gettext("English:")])]),
            Turn(Tap(t.gettext("Become a translator")), []),
        ],
    )
    answered = await bot.feed(UpdateFactory(first_update_id=90001).text(HODAN, "/mydata"))
    summary = answered[0].text or ""
    assert t.gettext("Community translator: {answer}", answer=t.gettext("Yes")) in summary
    assert (
        t.ngettext("{count} review of the bot's texts.", "{count} reviews of the bot's texts.", 1)
        in summary
    )
    document = json_document(answered[-1])
    assert document["translator"] is True
    assert [(r["catalog"], r["verdict"]) for r in document["text_reviews"]] == [("ar", "good")]

    await bot.say(HODAN, "/delete")
    await bot.tap(HODAN, t.gettext("Yes, delete everything"))
    kept = await reviews_of(bot)
    # The verdict stays for the catalog; the link to the person is gone.
    assert [(r.catalog, r.verdict, r.reviewer_member_id) for r in kept] == [
        ("ar", Verdict.GOOD, None)
    ]
