"""The dialogue-state service: in the database, versioned on every change."""

from __future__ import annotations

from bot.db.models import Member
from bot.runtime import Runtime
from bot.services import dialogs


async def new_member(runtime: Runtime, telegram_id: int = 930000001) -> int:
    async with runtime.sessions() as session:
        member = Member(telegram_user_id=telegram_id, locale="nl")
        session.add(member)
        await session.commit()
        return member.id


async def test_set_get_update_clear_bump_the_version(runtime: Runtime) -> None:
    member_id = await new_member(runtime)
    now = runtime.clock()
    async with runtime.sessions() as session:
        assert await dialogs.get(session, member_id) is None
        first = await dialogs.set(session, member_id, "profile", "learn", {"a": 1}, now=now)
        await session.commit()
    async with runtime.sessions() as session:
        loaded = await dialogs.get(session, member_id)
        assert loaded == first
        assert (loaded.flow, loaded.step, dict(loaded.data), loaded.version) == (
            "profile",
            "learn",
            {"a": 1},
            1,
        )
        moved = await dialogs.update(session, loaded, step="offer", now=now, b=2)
        assert (moved.step, dict(moved.data), moved.version) == ("offer", {"a": 1, "b": 2}, 2)
        await dialogs.clear(session, member_id, now=now)
        await session.commit()
    async with runtime.sessions() as session:
        assert await dialogs.get(session, member_id) is None
        assert await dialogs.current_version(session, member_id) == 3
        # A new dialogue never reuses a version a stale button might still carry.
        again = await dialogs.set(session, member_id, "profile", "learn", now=now)
        assert again.version == 4
        assert not again.matches("profile", first.version)
        assert again.matches("profile", 4)
        assert not again.matches("share", 4)
        assert await dialogs.erase(session, member_id) == 1
        await session.commit()
        assert await dialogs.current_version(session, member_id) == 0


async def test_state_survives_a_new_runtime(runtime: Runtime) -> None:
    member_id = await new_member(runtime)
    async with runtime.sessions() as session:
        await dialogs.set(
            session, member_id, "share", "story", {"community_id": 7}, now=runtime.clock()
        )
        await session.commit()
    other = Runtime.create(runtime.settings, clock=runtime.clock)
    try:
        async with other.sessions() as session:
            dialog = await dialogs.get(session, member_id)
        assert dialog is not None
        assert dialog.at("share", "story")
        assert dialog.data["community_id"] == 7
    finally:
        await other.close()
