"""The staff guard says what this person lacks, in their language, and audits the reason."""

from __future__ import annotations

from bot.db.models import Role
from bot.runtime import Runtime
from bot.services import audit
from bot.services.communities import roles
from tests.factories import GROUP_CHAT, OLENA, REZA
from tests.harness import BotHarness
from tests.meeting_support import make_organiser
from tests.outbox_support import make_community

NOT_STAFF = "This command is for organisers and coordinators of a community."
NOT_COORDINATOR = (
    "Only coordinators can use this command. You are an organiser, not a coordinator: "
    "ask a coordinator of your community."
)
ORGANISER_REVOKED = (
    "Your organiser role was taken away, so this command no longer works for you. "
    "Ask a coordinator if this is a mistake."
)
COORDINATOR_REVOKED = (
    "Your coordinator role was taken away, so this command no longer works for you. "
    "Ask a coordinator if this is a mistake."
)
PRIVATE_ONLY = "Organiser commands work only in a private chat with me."


async def reasons(runtime: Runtime) -> list[tuple[int | None, str, str]]:
    async with runtime.sessions() as session:
        events = await audit.events(session, action="staff.refused")
    return [(e.actor_user_id, e.details["command"], e.details["reason"]) for e in reversed(events)]


async def take_away(runtime: Runtime, community_id: int, user_id: int, role: Role) -> None:
    async with runtime.sessions() as session:
        assert await roles.revoke(
            session,
            community_id=community_id,
            telegram_user_id=user_id,
            role=role,
            now=runtime.clock(),
            revoked_by=1,
        )
        await session.commit()


async def test_each_refusal_names_the_reason_in_the_persons_language(bot: BotHarness) -> None:
    runtime = bot.runtime
    uk = runtime.catalogs.translator("uk")
    people = await make_community(runtime, first_user_id=975_000_001)

    # A stranger to staff work.
    assert await bot.say(OLENA, "/export") == [uk.gettext(NOT_STAFF)]
    # An organiser asking for coordinator work, and an organiser's own command still works.
    await make_organiser(runtime, people.community_id, OLENA.id)
    assert await bot.say(OLENA, "/export") == [uk.gettext(NOT_COORDINATOR)]
    assert await bot.say(OLENA, "/stats") == [uk.gettext(NOT_COORDINATOR)]
    # The organiser role taken away.
    await take_away(runtime, people.community_id, OLENA.id, Role.ORGANISER)
    assert await bot.say(OLENA, "/meeting") == [uk.gettext(ORGANISER_REVOKED)]

    assert uk.gettext(NOT_COORDINATOR) != NOT_COORDINATOR  # translated, not the English
    assert await reasons(runtime) == [
        (OLENA.id, "export", "no_role"),
        (OLENA.id, "export", "not_coordinator"),
        (OLENA.id, "stats", "not_coordinator"),
        (OLENA.id, "show", "role_revoked"),
    ]


async def test_a_former_coordinator_who_still_organises_hears_the_role_went(
    bot: BotHarness,
) -> None:
    runtime = bot.runtime
    fa = runtime.catalogs.translator("fa")
    people = await make_community(runtime, first_user_id=976_000_001)
    await make_organiser(runtime, people.community_id, REZA.id)
    await make_organiser(runtime, people.community_id, REZA.id, Role.COORDINATOR)
    await take_away(runtime, people.community_id, REZA.id, Role.COORDINATOR)

    assert await bot.say(REZA, "/export") == [fa.gettext(COORDINATOR_REVOKED)]
    assert await reasons(runtime) == [(REZA.id, "export", "role_revoked")]


async def test_in_a_group_the_reason_is_the_group(bot: BotHarness) -> None:
    runtime = bot.runtime
    people = await make_community(runtime, first_user_id=977_000_001)
    await make_organiser(runtime, people.community_id, OLENA.id, Role.COORDINATOR)
    (reply,) = await bot.feed(bot.updates.text(OLENA, "/export", chat=GROUP_CHAT))
    assert reply.text == runtime.catalogs.translator("uk").gettext(PRIVATE_ONLY)
    assert await reasons(runtime) == [(OLENA.id, "export", "group_chat")]
