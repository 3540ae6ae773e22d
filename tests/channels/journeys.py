"""Helpers for journeys that start with a member who has joined and agreed."""

from __future__ import annotations

from bot.services.members import profiles
from tests.factories import Person
from tests.harness import BotHarness

CODE = "buurt-oost-4f9k"


async def onboard(bot: BotHarness, person: Person, *, profile: bool = False) -> None:
    """Join via the link, keep the suggested language, agree, and skip (or not) the profile."""
    from bot.i18n import find_language

    t = bot.runtime.catalogs.translator(person.language_code)
    language = find_language(t.tag)
    assert language is not None
    await bot.say(person, f"/start {CODE}")
    await bot.tap(person, f"✓ {language.native_name}")
    await bot.tap(person, t.gettext("Yes, I agree"))
    if not profile:
        for _ in profiles.STEPS:
            await bot.tap(person, t.gettext("Skip"))
