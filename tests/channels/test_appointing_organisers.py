"""Coordinators appoint and remove organisers in chat; organisers cannot."""

from __future__ import annotations

from bot.db.models import Role
from tests.factories import AMIRA, OLENA, SANNE
from tests.harness import BotHarness
from tests.meeting_support import make_organiser
from tests.outbox_support import make_community


async def test_a_coordinator_appoints_and_removes_an_organiser(bot: BotHarness) -> None:
    runtime = bot.runtime
    people = await make_community(runtime, first_user_id=974_000_001, name="Buurthuis")
    await make_organiser(runtime, people.community_id, OLENA.id, Role.COORDINATOR)
    uk = runtime.catalogs.translator("uk")
    nl = runtime.catalogs.translator("nl")
    not_staff = "This command is for organisers and coordinators of a community."
    not_coordinator = (
        "Only coordinators can use this command. You are an organiser, not a coordinator: "
        "ask a coordinator of your community."
    )
    revoked = (
        "Your organiser role was taken away, so this command no longer works for you. "
        "Ask a coordinator if this is a mistake."
    )

    assert await bot.say(SANNE, "/broadcasts") == [nl.gettext(not_staff)]
    (usage,) = await bot.say(OLENA, "/addorganiser Sanne")
    assert "/addorganiser 123456789" in usage
    (done,) = await bot.say(OLENA, f"/addorganiser {SANNE.id}")
    assert done == uk.gettext(
        "{user} now organises {community}.", user=str(SANNE.id), community="Buurthuis"
    )
    (broadcasts,) = await bot.say(SANNE, "/broadcasts")
    assert broadcasts != nl.gettext(not_staff)
    # An organiser cannot appoint others.
    assert await bot.say(SANNE, f"/addorganiser {AMIRA.id}") == [nl.gettext(not_coordinator)]

    (removed,) = await bot.say(OLENA, f"/removeorganiser {SANNE.id}")
    assert removed == uk.gettext(
        "{user} no longer organises {community}.", user=str(SANNE.id), community="Buurthuis"
    )
    assert await bot.say(SANNE, "/broadcasts") == [nl.gettext(revoked)]
