"""Ambassadors: a coordinator names one, the ambassador reports what they did, an organiser
confirms it, the finance administrator's statement pays it under the community's allowance,
and the person sees it — and erases it."""

from __future__ import annotations

import asyncio
import csv
from pathlib import Path

import pytest
from sqlalchemy import select, update

from bot.channels.telegram.views import contributions as views
from bot.channels.telegram.views import hosts as host_views
from bot.cli import main
from bot.db.models import (
    AllowanceMode,
    AuditEvent,
    Contribution,
    ContributionStatus,
    Member,
    Role,
    Statement,
    TextReview,
    Verdict,
)
from bot.services import communities, contributions, exports, meetings, members
from bot.services.communities import allowances
from bot.services.contributions import figures as contribution_figures
from bot.services.meetings import invitations
from bot.services.meetings.invitations import Audience
from bot.services.translations import catalog
from tests.channels.journeys import CODE, onboard
from tests.factories import AMIRA, DAWIT, OLENA, REZA, SANNE, create_community
from tests.harness import BotHarness
from tests.meeting_support import ARABIC, DUTCH, deliver, make_meeting, make_organiser

WHAT = "Tolken bij de ouderavond"


async def _statement(
    bot: BotHarness, out: Path, monkeypatch: pytest.MonkeyPatch, *extra: str
) -> list[list[str]]:
    """`samen contributions statement`, as the finance administrator runs it."""
    monkeypatch.setenv("DATABASE_URL", bot.runtime.settings.database_url)
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    args = ["contributions", "statement", "--community", CODE, "--month", "2026-11"]
    code = await asyncio.to_thread(main, [*args, "--format", "csv", "--out", str(out), *extra])
    assert code == 0
    with out.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


async def _report_two_hours(bot: BotHarness) -> None:
    ti = bot.runtime.catalogs.translator("ti")
    assert await bot.say(DAWIT, "/contribute") == [views.what_prompt(ti)]
    (day,) = await bot.say(DAWIT, WHAT)
    assert day.startswith(
        ti.gettext(
            "Which day was it? Tap one, or type the date, for example {example}.", example=""
        )[:10]
    )
    await bot.tap(DAWIT, ti.gettext("Yesterday"))
    assert bot.screen(DAWIT)[-1][1] == views.start_prompt(ti)
    await bot.say(DAWIT, "18:30")
    await bot.tap(DAWIT, views.length(ti, 120))


async def test_an_ambassador_s_two_hours_are_confirmed_paid_capped_shown_and_erased(
    bot: BotHarness, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runtime = bot.runtime
    community = await create_community(runtime, code=CODE, name="Buurthuis Oost")
    await make_organiser(runtime, community.id, OLENA.id, Role.COORDINATOR)
    await make_organiser(runtime, community.id, SANNE.id, Role.ORGANISER)
    async with runtime.sessions() as session:
        found = await communities.get(session, community.id)
        assert found is not None
        # €5.60 an hour, at most €10 a month (low, so two hours reach it), €2,100 a year.
        await allowances.set_allowance(
            session,
            found,
            mode=AllowanceMode.HOURLY,
            hourly_rate_cents=560,
            monthly_cap_cents=1000,
            yearly_cap_cents=210_000,
            now=runtime.clock(),
        )
        await session.commit()
    ti = runtime.catalogs.translator("ti")
    uk = runtime.catalogs.translator("uk")
    nl = runtime.catalogs.translator("nl")
    await onboard(bot, DAWIT)

    # Not yet an ambassador: refused, and the refusal is in the audit trail.
    assert await bot.say(DAWIT, "/contribute") == [
        ti.gettext(
            "This is for ambassadors of a community. A coordinator of your community can "
            "name you ambassador."
        )
    ]
    # Olena is told; Dawit's own menu gains the ambassador's commands (tests/channels/test_menus).
    *menu, named = await bot.say(OLENA, f"/addambassador {DAWIT.id}")
    assert menu == [""]
    assert named == uk.gettext(
        "{user} is now an ambassador of {community}.",
        user=str(DAWIT.id),
        community="Buurthuis Oost",
    )

    await _report_two_hours(bot)
    assert bot.screen(DAWIT)[-1][1] == views.kept_text(ti, "Buurthuis Oost")

    # Both staff members get the notice, each in their language, with a pseudonymous code.
    await deliver(runtime, bot.api)
    codes = await exports.member_codes(runtime.sessions, None, now=runtime.clock())
    async with runtime.sessions() as session:
        row = (await session.scalars(select(Contribution))).one()
    code = codes.code(row.member_id or 0)
    notice = bot.screen(SANNE)[-1][1]
    assert code in notice
    assert WHAT in notice
    assert str(DAWIT.id) not in notice
    assert uk.gettext("Confirm") in str(bot.screen(OLENA)[-1][2])
    await bot.tap(SANNE, nl.gettext("Confirm"))
    assert bot.screen(SANNE)[-1][1] == views.decision_text(nl, True, True)
    # The coordinator's button now says someone answered first; nothing changes.
    await bot.tap(OLENA, uk.gettext("Confirm"))
    assert bot.screen(OLENA)[-1][1] == views.decision_text(uk, True, False)
    await deliver(runtime, bot.api)
    assert bot.screen(DAWIT)[-1][1].startswith(
        ti.gettext(
            "An organiser confirmed your activity of {date}: {what}. Thank you!", date="", what=""
        )[:8]
    )

    # The statement: two hours at €5.60 is €11.20, capped at the month's €10.00.
    lines = await _statement(bot, tmp_path / "nov.csv", monkeypatch, "--send")
    assert lines[0] == [
        nl.gettext("Member code"),
        nl.gettext("Confirmed hours"),
        nl.gettext("Activities"),
        nl.gettext("Amount (EUR)"),
        nl.gettext("Note"),
    ]
    assert lines[1:] == [[code, "2.00", "1", "10.00", nl.gettext("monthly cap reached")]]
    # And the person gets their own line in chat, in Tigrinya, once.
    await deliver(runtime, bot.api)
    mine = bot.screen(DAWIT)[-1][1]
    assert ti.gettext("Allowance: {amount}", amount=views.money(ti, 1000)) in mine
    assert ti.gettext("This is the most the community pays in one month.") in mine

    # The person sees it in their own log and in /mydata.
    (log,) = await bot.say(DAWIT, "/contributions")
    assert WHAT in log
    assert ti.gettext("confirmed") in log
    assert views.length(ti, 120) in log
    said = await bot.say(DAWIT, "/mydata")
    assert any(WHAT in text for text in said)
    assert (
        ti.ngettext("{count} contribution in your log.", "{count} contributions in your log.", 1)
        in said[0]
    )

    # /delete: the log goes; the statement already produced keeps its totals, unlinked.
    await bot.say(DAWIT, "/delete")
    await bot.tap(DAWIT, ti.gettext("Yes, delete everything"))
    async with runtime.sessions() as session:
        assert (await session.scalars(select(Contribution))).all() == []
        statement = (await session.scalars(select(Statement))).one()
        refusals = (
            await session.scalars(select(AuditEvent).where(AuditEvent.action == "staff.refused"))
        ).all()
    assert (statement.member_id, statement.code, statement.amount_cents) == (None, code, 1000)
    assert [r.details["command"] for r in refusals] == ["contribute"]
    again = await _statement(bot, tmp_path / "again.csv", monkeypatch, "--send")
    assert again[1:] == [[code, "2.00", "1", "10.00", nl.gettext("monthly cap reached")]]
    assert row.status is ContributionStatus.PENDING  # the copy read before it was confirmed


async def test_an_ambassador_co_hosts_is_named_on_invitations_sees_counts_and_is_logged(
    bot: BotHarness,
) -> None:
    runtime = bot.runtime
    community = await create_community(runtime, code=CODE, name="Buurthuis Oost")
    await make_organiser(runtime, community.id, OLENA.id, Role.COORDINATOR)
    await make_organiser(runtime, community.id, SANNE.id, Role.ORGANISER)
    await onboard(bot, DAWIT)
    await onboard(bot, AMIRA)
    await bot.say(OLENA, f"/addambassador {DAWIT.id}")
    meeting = await make_meeting(runtime, community.id, texts={"nl": DUTCH, "ar": ARABIC})
    nl, ti, ar = (runtime.catalogs.translator(tag) for tag in ("nl", "ti", "ar"))

    # A member who is no ambassador cannot see a co-host's figures; it is audited.
    assert await bot.say(AMIRA, "/hosting") == [
        ar.gettext(
            "This is for ambassadors of a community. A coordinator of your community can "
            "name you ambassador."
        )
    ]
    await bot.say(SANNE, "/meeting")
    await bot.tap(SANNE, bot.screen(SANNE)[-1][2][0][0]["text"])
    await bot.tap(SANNE, nl.gettext("Add a co-host"))
    assert bot.screen(SANNE)[-1][1] == host_views.choose_text(nl)
    codes = await exports.member_codes(runtime.sessions, None, now=runtime.clock())
    async with runtime.sessions() as session:
        dawit = await members.find_by_telegram_id(session, DAWIT.id)
    assert dawit is not None
    # Only the ambassador is offered, by pseudonymous code.
    assert [b["text"] for row in bot.screen(SANNE)[-1][2] for b in row] == [codes.code(dawit.id)]
    await bot.tap(SANNE, codes.code(dawit.id))
    assert bot.screen(SANNE)[-1][1] == host_views.added_text(nl, True)

    await deliver(runtime, bot.api)
    assert "Samen koken" in bot.screen(DAWIT)[-1][1]
    # Amira presses Dawit's button (forged): refused; Dawit's own answer counts.
    _, data = bot.find_button(DAWIT, ti.gettext("Yes, name me"))
    await bot.press(AMIRA, data)
    await bot.tap(DAWIT, ti.gettext("Yes, name me"))
    assert bot.screen(DAWIT)[-1][1] == host_views.answered_text(ti, True)

    async with runtime.sessions() as session:
        fresh = await meetings.get(session, meeting.id)
        assert fresh is not None
        await invitations.invite(session, fresh, Audience(), now=runtime.clock())
        await session.commit()
    await deliver(runtime, bot.api)
    invitation = bot.screen(AMIRA)[-1][1]
    assert ar.gettext("Hosted with: {names}", names=DAWIT.first_name) in invitation

    # The co-host's figures: counts, never who answered what.
    await bot.tap(AMIRA, ar.gettext("Going"))
    (figures,) = await bot.say(DAWIT, "/hosting")
    assert (
        ti.gettext(
            "Going: {going} · Maybe: {maybe} · Not going: {no}", going="1", maybe="0", no="0"
        )
        in figures
    )
    assert str(AMIRA.id) not in figures

    # Once the meeting has ended, its co-host's time is in the log, once however often the
    # job runs.
    runtime.clock.advance(days=8)
    for _ in range(2):
        async with runtime.sessions() as session:
            await contributions.record_cohosted(session, now=runtime.clock())
            await session.commit()
    async with runtime.sessions() as session:
        logged = (await session.scalars(select(Contribution))).all()
        refusals = (
            await session.scalars(select(AuditEvent).where(AuditEvent.action == "staff.refused"))
        ).all()
    assert [(c.kind.value, c.minutes, c.member_id) for c in logged] == [("cohost", 120, dawit.id)]
    assert sorted(r.details["command"] for r in refusals) == ["cohost", "hosting"]


async def test_unclear_or_unusual_reports_are_asked_again_and_lose_nothing(
    bot: BotHarness,
) -> None:
    runtime = bot.runtime
    community = await create_community(runtime, code=CODE, name="Buurthuis Oost")
    await make_organiser(runtime, community.id, OLENA.id, Role.COORDINATOR)
    await onboard(bot, DAWIT)
    await bot.say(OLENA, f"/addambassador {DAWIT.id}")
    ti = runtime.catalogs.translator("ti")
    await _report_two_hours(bot)  # yesterday 18:30-20:30

    await bot.say(DAWIT, "/contribute")
    (again,) = await bot.say(DAWIT, "x" * 301)
    assert again.startswith(
        ti.ngettext(
            "Please describe it in words, in at most {count} character.",
            "Please describe it in words, in at most {count} characters.",
            300,
        )
    )
    await bot.say(DAWIT, "Vertalen van de nieuwsbrief")
    (unclear,) = await bot.say(DAWIT, "31-02")
    assert unclear.startswith(ti.gettext("I did not understand that date."))
    # A day in the future, over twelve hours: both are asked about in one question.
    await bot.say(DAWIT, "2026-12-24")
    (unclear,) = await bot.say(DAWIT, "kwart over zes")
    assert unclear.startswith(ti.gettext("I did not understand that time."))
    await bot.say(DAWIT, "9:00")
    (unclear,) = await bot.say(DAWIT, "lang")
    assert unclear.startswith(ti.gettext("I did not understand how long it took."))
    (check,) = await bot.say(DAWIT, "13")
    assert check.startswith(ti.gettext("Before I keep this, please check:"))
    assert ti.gettext("This is in the future. Did you mean another day?") in check
    assert (
        ti.gettext("That is more than {hours} hours in one go. Is the length right?", hours="12")
        in check
    )
    # Typing instead of tapping: asked again, still waiting.
    assert await bot.say(DAWIT, "ja") == [ti.gettext("Please answer with the buttons.")]
    # Change it: back to the day, the description kept.
    await bot.tap(DAWIT, ti.gettext("Change it"))
    await bot.tap(DAWIT, ti.gettext("Yesterday"))
    await bot.say(DAWIT, "19:00")
    (check,) = await bot.say(DAWIT, "1,5")
    assert ti.gettext("It overlaps another activity you reported.") in check
    await bot.tap(DAWIT, ti.gettext("Keep it as it is"))
    assert bot.screen(DAWIT)[-1][1] == views.kept_text(ti, "Buurthuis Oost")
    # A third one, cancelled: nothing kept.
    await bot.say(DAWIT, "/contribute")
    await bot.say(DAWIT, "Iets")
    await bot.say(DAWIT, "2026-12-25")
    await bot.say(DAWIT, "10:00")
    await bot.tap(DAWIT, views.length(ti, 60))
    await bot.tap(DAWIT, ti.gettext("Cancel"))
    assert bot.screen(DAWIT)[-1][1] == views.cancelled_text(ti)
    async with runtime.sessions() as session:
        rows = (await session.scalars(select(Contribution).order_by(Contribution.id))).all()
    assert [(r.what, r.minutes, r.status) for r in rows] == [
        (WHAT, 120, ContributionStatus.PENDING),
        ("Vertalen van de nieuwsbrief", 90, ContributionStatus.PENDING),
    ]
    # The coordinator's notice was queued for each report that was kept.
    await deliver(runtime, bot.api)
    assert sum(1 for _, text, _ in bot.screen(OLENA) if WHAT in text) == 1


async def test_coordinators_see_ambassadors_translators_reviews_and_confirmed_hours(
    bot: BotHarness, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runtime = bot.runtime
    community = await create_community(runtime, code=CODE, name="Buurthuis Oost")
    await make_organiser(runtime, community.id, OLENA.id, Role.COORDINATOR)
    # Dawit (Tigrinya) becomes an ambassador, so a translator by default; Amira (Arabic, who
    # also reads Tigrinya) volunteers; Reza (Persian) is a member who does neither.
    for person in (DAWIT, AMIRA, REZA):
        await onboard(bot, person)
    await bot.say(OLENA, f"/addambassador {DAWIT.id}")
    async with runtime.sessions() as session:
        await session.execute(
            update(Member).where(Member.telegram_user_id == AMIRA.id).values(reads_locales=["ti"])
        )
        await session.commit()
    ar = runtime.catalogs.translator("ar")
    await bot.say(AMIRA, "/translator")
    await bot.tap(AMIRA, ar.gettext("Become a translator"))
    # Two translators (since erased) agreed on the first Tigrinya text waiting for review.
    waiting = catalog.pending(runtime.settings.locales_dir, "ti")
    first = waiting[0]
    async with runtime.sessions() as session:
        for _ in range(2):
            session.add(
                TextReview(
                    catalog="ti",
                    entry_key=first.key,
                    msgid=first.msgid,
                    msgctxt=first.msgctxt,
                    reviewer_member_id=None,
                    verdict=Verdict.GOOD,
                    created_at=runtime.clock(),
                )
            )
        await session.commit()
    await _report_two_hours(bot)
    async with runtime.sessions() as session:
        row = (await session.scalars(select(Contribution))).one()
        await contributions.decide(
            session,
            row.id,
            confirm=True,
            user_id=OLENA.id,
            community_ids=[community.id],
            now=runtime.clock(),
        )
        await session.commit()
        found = await communities.get(session, community.id)
        assert found is not None
        figures = await contribution_figures.of_community(
            session, found, now=runtime.clock(), locales_dir=runtime.settings.locales_dir
        )
    assert figures.ambassadors == [("ti", 1)]
    assert figures.translators == [("ti", 2), ("ar", 1)]
    reviewed = {r.catalog: (r.done, r.waiting) for r in figures.reviews}
    assert reviewed["ti"] == (1, len(waiting) - 1)
    assert reviewed["so"] == (0, len(catalog.pending(runtime.settings.locales_dir, "so")))
    shares = {s.catalog: s for s in figures.shares}
    assert list(shares) == ["nl", "ar", "uk", "ru", "ti", "fa", "tr", "so"]
    assert shares["ti"] == catalog.reviewed_share(runtime.settings.locales_dir, "ti")
    assert figures.hours[-1] == ("2026-11", 120)

    uk = runtime.catalogs.translator("uk")
    (photo,) = await bot.feed(bot.updates.text(OLENA, "/stats"))
    caption = photo.params["caption"]
    assert len(caption) <= 1024
    assert uk.gettext("Ambassadors per language: {languages}", languages="ti 1") in caption
    assert uk.gettext("Translators per language: {languages}", languages="ti 2, ar 1") in caption
    assert f"ti 1/{len(waiting) - 1}" in caption
    assert (
        uk.gettext("Confirmed contribution hours per month: {hours}", hours="2026-11: 2")
        in caption
    )
    for line in contribution_figures.lines(uk, figures, months=3):
        assert line in caption

    monkeypatch.setenv("DATABASE_URL", runtime.settings.database_url)
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    out = tmp_path / "report"
    args = ["report", "--community", CODE, "--language", "nl", "--out", str(out)]
    assert await asyncio.to_thread(main, args) == 0
    written = (out / "contributions.md").read_text(encoding="utf-8")
    nl = runtime.catalogs.translator("nl")
    assert nl.gettext("Ambassadors per language: {languages}", languages="ti 1") in written
    assert nl.gettext("Translators per language: {languages}", languages="ti 2, ar 1") in written
    assert written == "".join(f"- {line}\n" for line in contribution_figures.lines(nl, figures))


def test_a_catalog_s_reviewed_share_counts_vouched_entries_over_all(tmp_path: Path) -> None:
    po = catalog.po_path(tmp_path, "so")
    po.parent.mkdir(parents=True)
    note = "# needs review by a native speaker (machine translation)"
    po.write_text(
        "\n".join(
            [
                'msgid ""',
                'msgstr ""',
                '"Content-Type: text/plain; charset=UTF-8\\n"',
                "",
                note,
                'msgid "Waiting"',
                'msgstr "Sugaya"',
                "",
                note,
                "# Reviewed-By: 2 community reviewers, 2026-11-28",
                'msgid "Vouched"',
                'msgstr "La hubiyay"',
                "",
                'msgid "Written by a speaker"',
                'msgstr "Qoraa"',
                "",
                'msgid "Untranslated"',
                'msgstr ""',
                "",
            ]
        ),
        encoding="utf-8",
    )
    assert catalog.reviewed_share(tmp_path, "so") == catalog.Share("so", 2, 4)
    assert catalog.reviewed_share(tmp_path, "ti") is None
