"""An organiser creates a meeting in Dutch in chat, adds an Arabic translation, invites a
community that speaks Dutch, Arabic, Tigrinya and Ukrainian (and is warned about the two
without a translation), the members answer, and /meeting shows the right figures."""

from __future__ import annotations

from sqlalchemy import select

from bot.db.models import Answer, Meeting, MeetingText
from tests.factories import SANNE, Person
from tests.harness import BotHarness, Reply, Say, Tap, Turn
from tests.meeting_support import deliver, make_organiser
from tests.outbox_support import make_community

SAVED = "Thank you! Your answers are saved. You can change them with /input until input closes."
UNREADABLE = "I could not read that date and time. Please type it like {example}."
PASSED = "That moment has already passed. Please choose a time in the future."


async def test_an_organiser_creates_translates_and_invites_and_sees_the_figures(
    bot: BotHarness,
) -> None:
    runtime = bot.runtime
    people = await make_community(
        runtime, locales=["nl", "ar", "ti", "uk"], first_user_id=970_000_001, name="Buurthuis"
    )
    await make_organiser(runtime, people.community_id, SANNE.id)
    nl = runtime.catalogs.translator("nl")
    tr = nl.gettext

    def sending(n: int) -> str:
        return nl.ngettext(
            "{count} invitation is being sent.", "{count} invitations are being sent.", n, count=n
        )

    # --- the meeting, in Dutch -------------------------------------------------------------
    await bot.transcript(
        SANNE,
        [
            Turn(Say("/newmeeting"), [Reply(tr("Which language do you write the meeting in?"))]),
            Turn(Tap("Nederlands"), [Reply(contains=[tr("No second language")[:0]])]),
            Turn(Tap(tr("No second language")), [tr("What is the title of the meeting?")]),
            Turn(Say("Samen koken"), [tr("Describe the meeting in a few sentences.")]),
            Turn(Say("We koken samen en praten over werk."), [Reply(contains=["14-03-2027"])]),
            Turn(
                Say("31-02-2027 19:00"),
                [
                    Reply(
                        contains=[
                            tr(
                                UNREADABLE,
                                example=nl.isolate("14-03-2027 19:00"),
                            )
                        ]
                    )
                ],
            ),
            Turn(
                Say("01-11-2026 19:00"),
                [Reply(contains=[tr(PASSED)])],
            ),
            Turn(
                Say("05-12-2026 14:00"),
                [tr("Where is it? Type the address, or an online link (https://…).")],
            ),
            Turn(
                Say("Buurthuis Oost, Kanaalweg 12"),
                [Reply(contains=[tr("The default questions")[:0]])],
            ),
            Turn(
                Tap(tr("I write my own")),
                [
                    Reply(
                        contains=[
                            tr(
                                "Type a question (one message each). Then I ask what kind of "
                                "answer it takes. Tap Done when all questions are there."
                            )
                        ]
                    )
                ],
            ),
            Turn(
                Say("Wat wil je op de agenda zetten?"),
                [Reply(contains=["Wat wil je op de agenda zetten?"])],
            ),
            Turn(
                Tap(tr("Free text")),
                [tr("Must everyone answer this question, or may they skip it?")],
            ),
            Turn(Tap(tr("Optional")), [Reply(contains=[tr("/meeting")])]),
            Turn(Tap(tr("Use the answers for the agenda")), [Reply(contains=["1"])]),
            Turn(Tap(tr("Done")), [tr("Until when can people give their input?")]),
            Turn(
                Tap(tr("Until the meeting starts")),
                [Reply(contains=["Samen koken", "Buurthuis Oost"])],
            ),
            Turn(Tap(tr("Create the meeting")), [Reply(contains=["#1"])]),
        ],
    )
    async with runtime.sessions() as session:
        meeting = await session.scalar(select(Meeting))
        assert meeting is not None
        assert meeting.source_locale == "nl"
        assert meeting.starts_at.isoformat() == "2026-12-05T13:00:00+00:00"

    # --- an Arabic translation ---------------------------------------------------------------
    await bot.say(SANNE, "/translate")
    await bot.tap(SANNE, f"Samen koken · {nl.fmt_date(meeting.starts_at, 'medium')}")
    await bot.tap(SANNE, "العربية")
    await bot.say(SANNE, "نطبخ معًا")
    await bot.say(SANNE, "نطبخ معًا ونتحدث عن العمل.")
    (saved,) = await bot.say(SANNE, "Buurthuis Oost, Kanaalweg 12")
    assert saved == tr("Saved. New invitations and those still waiting will carry this text.")
    async with runtime.sessions() as session:
        locales = set(await session.scalars(select(MeetingText.locale)))
        assert locales == {"nl", "ar"}

    # --- inviting: the preview warns about Tigrinya and Ukrainian ------------------------------
    await bot.say(SANNE, "/invite")
    await bot.tap(SANNE, f"Samen koken · {nl.fmt_date(meeting.starts_at, 'medium')}")
    calls = await bot.act(SANNE, Tap(tr("Everyone in the community")))
    summary = calls[0].text or ""
    assert "ትግርኛ" in summary
    assert "Українська" in summary
    assert summary.count("⚠️") == 2
    previews = [c.text or "" for c in calls[1:5]]
    assert any("نطبخ معًا" in p for p in previews)
    assert sum("Samen koken" in p for p in previews) == 3  # nl, and the fallback for ti and uk
    (sent,) = await bot.act(SANNE, Tap(tr("Send the invitations")))
    assert (sent.text or "").startswith(sending(4))
    await deliver(runtime, bot.api)

    # Inviting again sends nothing new.
    await bot.say(SANNE, "/invite")
    await bot.tap(SANNE, f"Samen koken · {nl.fmt_date(meeting.starts_at, 'medium')}")
    await bot.act(SANNE, Tap(tr("Everyone in the community")))
    (again,) = await bot.act(SANNE, Tap(tr("Send the invitations")))
    assert (again.text or "").startswith(sending(0))

    # --- the members answer ----------------------------------------------------------------------
    names = ["Noor", "Amira", "Dawit", "Olena"]
    members = [
        Person(uid, name, locale)
        for uid, name, locale in zip(people.user_ids, names, ["nl", "ar", "ti", "uk"], strict=True)
    ]
    for person in members:
        t = runtime.catalogs.translator(person.language_code)
        texts = [text for _, text, _ in bot.screen(person)]
        assert len(texts) == 1
        expected_title = "نطبخ معًا" if person.language_code == "ar" else "Samen koken"
        assert expected_title in texts[0]
        assert t.gettext("Invitation from {community}", community="Buurthuis") in texts[0]
    ar_t = runtime.catalogs.translator("ar")
    await bot.transcript(
        members[1],
        [
            Turn(
                Tap(ar_t.gettext("Going")),
                [
                    Reply(contains=["نطبخ معًا"]),
                    Reply(contains=["Wat wil je op de agenda zetten?"]),
                ],
            ),
            Turn(
                Say("العمل، السكن"),
                [Reply(contains=[ar_t.gettext(SAVED)])],
            ),
        ],
    )
    ti_t = runtime.catalogs.translator("ti")
    await bot.tap(members[2], ti_t.gettext("Maybe"))
    await bot.tap(members[2], ti_t.gettext("Continue later"))
    uk_t = runtime.catalogs.translator("uk")
    await bot.tap(members[3], uk_t.gettext("Not going"))
    await bot.tap(members[0], tr("Going"))
    await bot.say(members[0], "Werk, taalcafé")

    # --- what the organiser sees ---------------------------------------------------------------
    await bot.say(SANNE, "/meeting")
    (view,) = await bot.act(
        SANNE, Tap(f"Samen koken · {nl.fmt_date(meeting.starts_at, 'medium')}")
    )
    text = view.text or ""
    assert (
        tr("Going: {going} · Maybe: {maybe} · Not going: {no}", going="2", maybe="1", no="1")
        in text
    )
    assert (
        tr(
            "Input — completed: {completed} · partly answered: {partial} · expired: {expired}",
            completed="2",
            partial="1",
            expired="0",
        )
        in text
    )
    assert "• Wat wil je op de agenda zetten?: 2" in text
    assert "Werk (1)" in text or "werk (1)" in text.casefold()
    assert (
        tr(
            "Invitations — waiting: {queued} · sent: {sent} · failed: {failed} · "
            "blocked: {blocked}",
            queued="0",
            sent="4",
            failed="0",
            blocked="0",
        )
        in text
    )
    async with runtime.sessions() as session:
        assert len(list(await session.scalars(select(Answer)))) == 2
