"""Community translators translate a meeting in chat: an organiser's /invite warns that a
language has no text and asks the community's translators; a translator who reads both
languages types the translation field by field (or passes a field); the organiser approves
it, and invitations still waiting in the outbox go out in that language. Then the bad
inputs, forged and stale buttons, the one-notice-a-day limit, expiry and erasure."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from bot.channels.telegram.views import tasks as views
from bot.db.models import (
    AssignmentState,
    AuditEvent,
    Contribution,
    ContributionKind,
    Member,
    OutboxMessage,
    OutboxState,
    Role,
    TaskAssignment,
    TaskStatus,
    TranslationTask,
)
from bot.runtime import Runtime
from bot.services import meetings
from bot.services.meetings import TextDraft
from bot.services.members import data_rights, set_reads
from bot.services.translations import tasks
from tests.channels.journeys import CODE, onboard
from tests.factories import DAWIT, OLENA, SANNE, Person, create_community
from tests.harness import BotHarness, Reply, Say, Tap, Turn
from tests.meeting_support import DUTCH, deliver, make_meeting, make_organiser

# Invented Tigrinya-speaking members: Selam only reads Tigrinya, Yonas reads Dutch too.
SELAM = Person(910000311, "Selam", "ti")
YONAS = Person(910000312, "Yonas", "ti")
TI_TITLE = "ብሓባር ምብሳል"
TI_DESCRIPTION = "ብሓባር ንበስልን ብዛዕባ ስራሕን ንዛረብን።"
TIGRINYA = "ትግርኛ"


async def _community(bot: BotHarness) -> int:
    runtime = bot.runtime
    community = await create_community(runtime, code=CODE, name="Buurthuis Oost")
    await make_organiser(runtime, community.id, OLENA.id, Role.COORDINATOR)
    await make_organiser(runtime, community.id, SANNE.id, Role.ORGANISER)
    return community.id


async def _reads_dutch(runtime: Runtime, person: Person) -> None:
    async with runtime.sessions() as session:
        member = await session.scalar(select(Member).where(Member.telegram_user_id == person.id))
        assert member is not None
        await set_reads(session, member, ["nl"])
        await session.commit()


async def _invite_preview(bot: BotHarness, title: str) -> str:
    """The organiser's /invite up to the preview; the summary with its warnings."""
    nl = bot.runtime.catalogs.translator("nl")
    await bot.say(SANNE, "/invite")
    meeting_button = next(
        b["text"]
        for _, _, keyboard in reversed(bot.screen(SANNE))
        for row in keyboard
        for b in row
        if b["text"].startswith(title)
    )
    await bot.tap(SANNE, meeting_button)
    calls = await bot.act(SANNE, Tap(nl.gettext("Everyone in the community")))
    return calls[0].text or ""


async def _hold_invitations(runtime: Runtime, meeting_id: int) -> None:
    """The outbox is busy: the invitations wait an hour before they are sent."""
    async with runtime.sessions() as session:
        await session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.dedupe_key.like(meetings.invitation_prefix(meeting_id) + "%"),
                OutboxMessage.state == OutboxState.QUEUED,
            )
            .values(next_attempt_at=runtime.clock() + timedelta(hours=1))
        )
        await session.commit()


def _ask_label(bot: BotHarness) -> str:
    nl = bot.runtime.catalogs.translator("nl")
    return nl.gettext("Ask community translators: {language}", language=TIGRINYA)


async def test_an_ambassador_translates_a_meeting_and_the_waiting_invitation_is_in_tigrinya(
    bot: BotHarness,
) -> None:
    runtime = bot.runtime
    community_id = await _community(bot)
    nl = runtime.catalogs.translator("nl")
    uk = runtime.catalogs.translator("uk")
    ti = runtime.catalogs.translator("ti")
    meeting = await make_meeting(runtime, community_id, questions=(), organiser_id=SANNE.id)
    for person in (DAWIT, SELAM):
        await onboard(bot, person)
    await _reads_dutch(runtime, DAWIT)

    # The coordinator names Dawit ambassador: translators by default.
    # (The empty reply is the menu Dawit now gets: setMyCommands.)
    assert await bot.say(OLENA, f"/addambassador {DAWIT.id}") == [
        "",
        uk.gettext(
            "{user} is now an ambassador of {community}.",
            user=str(DAWIT.id),
            community="Buurthuis Oost",
        ),
    ]

    # The organiser's preview warns that Tigrinya has no text, and offers to ask.
    summary = await _invite_preview(bot, DUTCH.title)
    assert (
        "⚠️ "
        + nl.gettext(
            "There is no text in {language}: those members will get the {fallback} text.",
            language=TIGRINYA,
            fallback="Nederlands",
        )
        in summary
    )
    await bot.transcript(
        SANNE,
        [
            Turn(
                Tap(_ask_label(bot)),
                [
                    Reply(
                        text=nl.ngettext(
                            "{count} community translator is asked for {language}. You approve "
                            "the translation before it is published.",
                            "{count} community translators are asked for {language}. You "
                            "approve the translation before it is published.",
                            1,
                            count="1",
                            language=TIGRINYA,
                        ),
                        buttons=[nl.gettext("Publish at once: I trust these translators")],
                    )
                ],
            ),
            # Asking twice makes no second task.
            Turn(
                Tap(_ask_label(bot)),
                [
                    nl.gettext(
                        "Community translators were asked for {language} already. You will "
                        "hear from them here.",
                        language=TIGRINYA,
                    )
                ],
            ),
        ],
    )
    # She sends the invitations now; the outbox is busy and they wait.
    await bot.tap(SANNE, nl.gettext("Send the invitations"))
    await _hold_invitations(runtime, meeting.id)
    await deliver(runtime, bot.api)
    assert not any(TI_TITLE in text for _, text, _ in bot.screen(SELAM))

    # Dawit's notice, in Tigrinya; he translates the title and the description, passes the
    # place.
    _, notice, buttons = bot.screen(DAWIT)[-1]
    assert DUTCH.title in notice
    assert [b["text"] for row in buttons for b in row] == [
        ti.gettext("Translate"),
        ti.gettext("Not now"),
        ti.gettext("More tasks"),
    ]
    type_it = ti.gettext("Type it in {language}, or tap Pass.", language=TIGRINYA)
    await bot.transcript(
        DAWIT,
        [
            Turn(
                Tap(ti.gettext("Translate")),
                [
                    Reply(
                        contains=[DUTCH.title, type_it],
                        buttons=[ti.gettext("Pass"), ti.gettext("Stop")],
                    )
                ],
            ),
            Turn(Say(TI_TITLE), [Reply(contains=[DUTCH.description, type_it])]),
            Turn(Say(TI_DESCRIPTION), [Reply(contains=[DUTCH.place or "", type_it])]),
            Turn(
                Tap(ti.gettext("Pass")),
                [
                    ti.gettext(
                        "Thank you! The organiser looks at your translation before it is "
                        "published."
                    )
                ],
            ),
        ],
    )
    # Nothing is published before the organiser approves.
    async with runtime.sessions() as session:
        fresh = await meetings.get(session, meeting.id)
        assert fresh is not None
        assert "ti" not in meetings.texts_by_locale(fresh)

    await deliver(runtime, bot.api)
    _, asked, buttons = bot.screen(SANNE)[-1]
    assert TI_TITLE in asked
    assert TI_DESCRIPTION in asked
    assert nl.gettext("{field}: passed", field=nl.gettext("Place")) in asked
    assert str(DAWIT.id) not in asked
    _, reject = bot.find_button(SANNE, nl.gettext("Reject"))
    await bot.tap(SANNE, nl.gettext("Approve"))
    assert bot.screen(SANNE)[-1][1] == views.decision_text(nl, True, True)
    # The other button, tapped late (or by a second organiser), changes nothing.
    await bot.press(SANNE, reject)
    assert bot.screen(SANNE)[-1][1] == views.decision_text(nl, True, False)

    # The waiting invitation goes out in Tigrinya, the place from the Dutch text.
    runtime.clock.advance(hours=2)  # type: ignore[attr-defined]
    await deliver(runtime, bot.api)
    invitation = next(text for _, text, _ in reversed(bot.screen(SELAM)) if TI_TITLE in text)
    assert TI_DESCRIPTION in invitation
    assert DUTCH.place in invitation
    assert DUTCH.title not in invitation
    assert any(
        ti.gettext(
            "Your translation of “{title}” into {language} is published. Thank you!",
            title=DUTCH.title,
            language=TIGRINYA,
        )
        == text
        for _, text, _ in bot.screen(DAWIT)
    )

    # The contributions log has the translation with its words; the task is done.
    async with runtime.sessions() as session:
        logged = (await session.scalars(select(Contribution))).one()
        task = (await session.scalars(select(TranslationTask))).one()
        figures = await tasks.figures(session)
    assert logged.kind == ContributionKind.TRANSLATION
    assert logged.words == len(TI_TITLE.split()) + len(TI_DESCRIPTION.split())
    assert task.status == TaskStatus.DONE
    assert figures["ti"] == tasks.LanguageFigures(done=1, waiting=0)


async def test_bad_translations_are_questioned_or_refused_and_foreign_buttons_change_nothing(
    bot: BotHarness,
) -> None:
    runtime = bot.runtime
    community_id = await _community(bot)
    ti = runtime.catalogs.translator("ti")
    nl = runtime.catalogs.translator("nl")
    title = "Samen koken met {naam}"
    meeting = await make_meeting(
        runtime,
        community_id,
        texts={"nl": TextDraft(title=title, description="Kort.", place="Buurthuis")},
        questions=(),
    )
    for person in (DAWIT, SELAM):
        await onboard(bot, person)
    await _reads_dutch(runtime, DAWIT)
    await bot.say(OLENA, f"/addambassador {DAWIT.id}")
    await _invite_preview(bot, title)
    await bot.tap(SANNE, _ask_label(bot))
    await deliver(runtime, bot.api)
    _, take = bot.find_button(DAWIT, ti.gettext("Translate"))

    # Selam is no translator: the forged tap on Dawit's task is refused and audited.
    await bot.press(SELAM, take)
    assert bot.last_callback_answer() == views.refusal(ti)
    # Nor does /tasks show her anything but the refusal.
    assert await bot.say(SELAM, "/tasks") == [views.refusal(ti)]
    # A task that does not exist: a translated answer, nothing else.
    await bot.press(DAWIT, "tsk:999999:take")
    assert bot.last_callback_answer() == views.gone(ti)

    await bot.tap(DAWIT, ti.gettext("Translate"))
    pass_button = bot.find_button(DAWIT, ti.gettext("Pass"))[1]
    keep = ti.gettext("Keep it anyway")
    again = ti.gettext("Write it again")
    await bot.transcript(
        DAWIT,
        [
            # The placeholder dropped: refused, naming it; asked again.
            Turn(
                Say("ብሓባር ምብሳል"),
                [Reply(contains=[ti.gettext("Missing: {names}", names="{naam}"), title])],
            ),
            # Latin letters for Tigrinya: questioned; they write it again.
            Turn(
                Say("Samen koken met {naam}"),
                [
                    Reply(
                        contains=[
                            ti.gettext(
                                "This text is not written in the usual script for {language}.",
                                language=TIGRINYA,
                            ),
                            ti.gettext("Keep it anyway?"),
                        ],
                        buttons=[keep, again],
                    )
                ],
            ),
            Turn(Tap(again), [Reply(contains=[title])]),
            Turn(Say("ምስ {naam} ብሓባር ምብሳል"), [Reply(contains=["Kort."])]),
            # Far longer than the source: questioned; they keep it.
            Turn(
                Say("ነዊሕ " * 30),
                [
                    Reply(
                        contains=[ti.gettext("This text is much longer than the original.")],
                        buttons=[keep, again],
                    )
                ],
            ),
            Turn(Tap(keep), [Reply(contains=["Buurthuis"])]),
            # No letters at all: questioned too.
            Turn(
                Say("..."),
                [Reply(contains=[ti.gettext("This text has no letters.")], buttons=[keep, again])],
            ),
        ],
    )
    # The old Pass button (an earlier step) is stale: nothing changes.
    await bot.press(DAWIT, pass_button)
    assert bot.last_callback_answer() == ti.gettext("This button is no longer active.")
    await bot.tap(DAWIT, again)
    await bot.tap(DAWIT, ti.gettext("Pass"))

    async with runtime.sessions() as session:
        row = (await session.scalars(select(TaskAssignment))).one()
        refused = list(
            await session.scalars(
                select(AuditEvent).where(AuditEvent.action == "translation.refused")
            )
        )
    assert row.state == AssignmentState.SUBMITTED
    assert row.fields == {"title": "ምስ {naam} ብሓባር ምብሳል", "description": ("ነዊሕ " * 30).strip()}
    assert [event.actor_user_id for event in refused] == [SELAM.id, SELAM.id]

    # A forged approval from someone who organises nothing: refused; the text unpublished.
    await bot.press(SELAM, f"tsk:{row.id}:approve")
    async with runtime.sessions() as session:
        fresh = await meetings.get(session, meeting.id)
        assert fresh is not None
        assert "ti" not in meetings.texts_by_locale(fresh)
    await deliver(runtime, bot.api)
    await bot.tap(SANNE, nl.gettext("Reject"))
    assert bot.screen(SANNE)[-1][1] == views.decision_text(nl, False, True)


async def test_one_notice_a_day_tasks_on_request_expiry_trust_and_erasure(
    bot: BotHarness,
) -> None:
    runtime = bot.runtime
    community_id = await _community(bot)
    ti = runtime.catalogs.translator("ti")
    nl = runtime.catalogs.translator("nl")
    first = await make_meeting(runtime, community_id, questions=())
    second_text = TextDraft(title="Samen fietsen", description="We fietsen.", place="Park")
    second = await make_meeting(runtime, community_id, texts={"nl": second_text}, questions=())
    for person in (DAWIT, SELAM):
        await onboard(bot, person)
    await _reads_dutch(runtime, DAWIT)
    await bot.say(OLENA, f"/addambassador {DAWIT.id}")

    await _invite_preview(bot, DUTCH.title)
    await bot.tap(SANNE, _ask_label(bot))
    await _invite_preview(bot, second_text.title)
    # Dawit had a notice today: the second task waits for tomorrow.
    (answer,) = [c.text for c in await bot.tap(SANNE, _ask_label(bot))]
    assert answer == nl.gettext(
        "The community translators for {language} had a task today already: they are asked "
        "tomorrow.",
        language=TIGRINYA,
    )
    await deliver(runtime, bot.api)
    notices = [text for _, text, _ in bot.screen(DAWIT) if DUTCH.title in text]
    assert len(notices) == 1
    assert not any(second_text.title in text for _, text, _ in bot.screen(DAWIT))

    # He asks for more: both tasks, at once.
    shown = await bot.say(DAWIT, "/tasks")
    assert len(shown) == 2
    # The one that runs out first comes first: the second, asked of them for tomorrow.
    assert second_text.title in shown[0]
    assert DUTCH.title in shown[1]

    # The organiser trusts the translators of the second task: published at once.
    await bot.tap(SANNE, nl.gettext("Publish at once: I trust these translators"))
    message_id, text, keyboard = bot.screen(DAWIT)[-2]
    assert second_text.title in text
    await bot.press(DAWIT, keyboard[0][0]["callback_data"], message_id=message_id)
    await bot.say(DAWIT, "ብሳይክል ንጓዓዝ")
    await bot.tap(DAWIT, ti.gettext("Pass"))
    (published,) = await bot.say(DAWIT, "ፓርክ") or [""]
    assert published == ti.gettext("Thank you! Your translation is published.")
    async with runtime.sessions() as session:
        fresh = await meetings.get(session, second.id)
        assert fresh is not None
        assert meetings.texts_by_locale(fresh)["ti"].title == "ብሳይክል ንጓዓዝ"

    # Yonas joins and volunteers, after the first task was asked.
    await onboard(bot, YONAS)
    await _reads_dutch(runtime, YONAS)
    await bot.say(YONAS, "/translator")
    await bot.tap(YONAS, ti.gettext("Become a translator"))

    # Three days on, nobody took the first task: it goes to Yonas, Dawit's offer lapses.
    runtime.clock.advance(days=3, minutes=1)  # type: ignore[attr-defined]
    async with runtime.sessions() as session:
        run = await tasks.expire_due(session, now=runtime.clock())
        await session.commit()
    assert run.offered == 1
    await deliver(runtime, bot.api)
    assert DUTCH.title in bot.screen(YONAS)[-1][1]
    # Dawit's lapsed offer answers that it is gone.
    await bot.press(DAWIT, bot.find_button(DAWIT, ti.gettext("Translate"))[1])
    assert bot.last_callback_answer() == views.gone(ti)

    # His /mydata holds the offer.
    async with runtime.sessions() as session:
        yonas = await session.scalar(select(Member).where(Member.telegram_user_id == YONAS.id))
        assert yonas is not None
        stored = await data_rights.export(session, yonas.id)
    assert stored is not None
    assert [(t["target_locale"], t["state"]) for t in stored.to_json()["translation_tasks"]] == [
        ("ti", "offered")
    ]

    # Yonas erases his data: the task nobody else holds is withdrawn.
    async with runtime.sessions() as session:
        yonas = await session.scalar(select(Member).where(Member.telegram_user_id == YONAS.id))
        assert yonas is not None
        counts = await data_rights.erase(session, yonas.id, now=runtime.clock())
    assert counts["task_assignments"] == 1
    assert counts["translation_tasks_withdrawn"] == 1
    async with runtime.sessions() as session:
        statuses = {
            task.subject_id: task.status for task in await session.scalars(select(TranslationTask))
        }
        figures = await tasks.figures(session, [community_id])
    assert statuses == {first.id: TaskStatus.WITHDRAWN, second.id: TaskStatus.DONE}
    assert figures["ti"] == tasks.LanguageFigures(done=1, waiting=0)


async def test_a_task_nobody_takes_expires(bot: BotHarness) -> None:
    runtime = bot.runtime
    community_id = await _community(bot)
    ti = runtime.catalogs.translator("ti")
    await make_meeting(runtime, community_id, questions=())
    await onboard(bot, DAWIT)
    await _reads_dutch(runtime, DAWIT)
    await bot.say(OLENA, f"/addambassador {DAWIT.id}")
    await _invite_preview(bot, DUTCH.title)
    await bot.tap(SANNE, _ask_label(bot))
    await deliver(runtime, bot.api)
    runtime.clock.advance(days=3, minutes=1)  # type: ignore[attr-defined]
    async with runtime.sessions() as session:
        run = await tasks.expire_due(session, now=runtime.clock())
        await session.commit()
    assert run.expired == 1
    await bot.tap(DAWIT, ti.gettext("Translate"))
    assert bot.last_callback_answer() == views.gone(ti)
    async with runtime.sessions() as session:
        figures = await tasks.figures(session)
    assert figures["ti"] == tasks.LanguageFigures(done=0, waiting=0)


async def test_at_most_three_translators_hold_a_task_and_not_now_passes_it_on(
    bot: BotHarness,
) -> None:
    runtime = bot.runtime
    community_id = await _community(bot)
    ti = runtime.catalogs.translator("ti")
    await make_meeting(runtime, community_id, questions=())
    volunteers = [Person(910000321 + i, name, "ti") for i, name in enumerate(("Ruta", "Aman"))]
    for person in (DAWIT, YONAS, *volunteers):
        await onboard(bot, person)
        await _reads_dutch(runtime, person)
    await bot.say(OLENA, f"/addambassador {DAWIT.id}")
    for person in (YONAS, *volunteers):
        await bot.say(person, "/translator")
        await bot.tap(person, ti.gettext("Become a translator"))

    await _invite_preview(bot, DUTCH.title)
    await bot.tap(SANNE, _ask_label(bot))
    await deliver(runtime, bot.api)

    def told(person: Person) -> bool:
        return any(DUTCH.title in text for _, text, _ in bot.screen(person))

    # The ambassador first, then the longest-standing volunteers: three in all.
    assert [told(p) for p in (DAWIT, YONAS, *volunteers)] == [True, True, True, False]
    await bot.tap(YONAS, ti.gettext("Not now"))
    await deliver(runtime, bot.api)
    assert told(volunteers[1])
    async with runtime.sessions() as session:
        states = sorted(str(row.state) for row in await session.scalars(select(TaskAssignment)))
    assert states == ["declined", "offered", "offered", "offered"]
