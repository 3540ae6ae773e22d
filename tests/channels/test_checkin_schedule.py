"""Organisers see and change their community's check-in schedule in chat."""

from __future__ import annotations

from datetime import time

from bot.services.checkins import schedules as checkin_schedules
from tests.factories import AMIRA, SANNE
from tests.harness import BotHarness, Tap
from tests.meeting_support import make_organiser
from tests.outbox_support import make_community


async def test_an_organiser_changes_the_reminders_and_a_wrong_value_is_explained(
    bot: BotHarness,
) -> None:
    runtime = bot.runtime
    people = await make_community(runtime, first_user_id=939_000_001, name="Buurthuis")
    await make_organiser(runtime, people.community_id, SANNE.id)
    nl = runtime.catalogs.translator("nl")
    (shown,) = await bot.say(SANNE, "/checkins")
    assert shown.startswith(nl.gettext("Check-ins for {community}:", community="Buurthuis"))
    assert nl.gettext("Reminders before a meeting: {value}", value="1d, 2h") in shown
    assert nl.gettext("Quiet hours: {value}", value="21:00-09:00") in shown

    await bot.act(SANNE, Tap(nl.gettext("Change the reminders")))
    (again,) = await bot.say(SANNE, "tomorrow")
    assert again.startswith(nl.gettext("That does not fit this setting."))
    (saved,) = await bot.say(SANNE, "3d, 1h")
    assert saved.startswith(nl.gettext("Saved."))
    assert nl.gettext("Reminders before a meeting: {value}", value="3d, 1h") in saved
    async with runtime.sessions() as session:
        schedule = await checkin_schedules.get(session, people.community_id)
    assert schedule.reminder_offsets == (3 * 24 * 60, 60)
    assert schedule.quiet.start == time(21, 0)

    not_staff = runtime.catalogs.translator("ar").gettext(
        "This command is for organisers and coordinators of a community."
    )
    assert await bot.say(AMIRA, "/checkins") == [not_staff]
