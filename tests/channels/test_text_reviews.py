"""Community translators review the bot's own texts in chat (/reviewtexts); a maintainer
exports what two of them agree on (`samen texts reviews`) and merges it into the catalog
(`samen texts apply-reviews`, behind `make texts-apply-reviews`).

The catalogs here are a temporary copy of locales/: the bot reads that copy, and applying
reviews changes only that copy.
"""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from babel.support import Translations

from bot.cli import main
from bot.config import Settings
from bot.services.translations import catalog
from tests.channels.journeys import onboard
from tests.factories import Person, create_community
from tests.harness import BotHarness, Reply, Say, Turn

ROOT = Path(__file__).resolve().parents[2]
# Invented Somali-speaking members.
HODAN = Person(910000201, "Hodan", "so")
ABDI = Person(910000202, "Abdi", "so")


@pytest.fixture
def locales(tmp_path: Path) -> Path:
    copy = tmp_path / "locales"
    shutil.copytree(ROOT / "locales", copy)  # copy2: each .mo stays newer than its .po
    return copy


@pytest.fixture
def settings(settings: Settings, locales: Path) -> Settings:
    return settings.model_copy(update={"locales_dir": locales})


@pytest.fixture
def cli_env(settings: Settings, locales: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setenv("SAMEN_LOCALES_DIR", str(locales))


async def volunteer(bot: BotHarness, person: Person) -> None:
    t = bot.runtime.catalogs.translator(person.language_code)
    await bot.say(person, "/translator")
    await bot.tap(person, t.gettext("Become a translator"))


def first_five(locales: Path) -> list[catalog.Entry]:
    return catalog.pending(locales, "so")[:5]


async def review_five(bot: BotHarness, person: Person, fixes: dict[int, str]) -> None:
    """Go through the five most important Somali entries: "good", or the text in `fixes`."""
    t = bot.runtime.catalogs.translator("so")
    for index in range(5):
        if index in fixes:
            await bot.tap(person, t.gettext("Correct it"))
            await bot.say(person, fixes[index])
        else:
            await bot.tap(person, t.gettext("Good as it is"))


async def test_two_translators_review_five_somali_texts_and_a_maintainer_applies_them(
    bot: BotHarness, locales: Path, cli_env: None, tmp_path: Path
) -> None:
    await create_community(bot.runtime)
    t = bot.runtime.catalogs.translator("so")
    entries = first_five(locales)
    # The most important first: the privacy notice itself leads.
    assert entries[0].msgid.startswith("Before we go on, this is how Samen handles")
    assert entries[0].area.key == "privacy"
    fourth, fifth = entries[3], entries[4]
    assert catalog.placeholders(fifth.msgid) == {"version", "date"}

    for person in (HODAN, ABDI):
        await onboard(bot, person)
        await volunteer(bot, person)

    # Hodan: the first entry as a transcript, then the rest.
    await bot.transcript(
        HODAN,
        [
            Turn(
                Say("/reviewtexts"),
                [
                    Reply(
                        contains=[
                            t.gettext(
                                "Where it appears: {area}", area=t.gettext("Privacy notice")
                            ),
                            t.gettext("English:"),
                            entries[0].msgid,
                            entries[0].translation,
                        ],
                        buttons=[
                            t.gettext("Good as it is"),
                            t.gettext("Correct it"),
                            t.gettext("Skip"),
                            t.gettext("Stop"),
                        ],
                    )
                ],
            ),
        ],
    )
    fixed_fourth = "Ogeysiiska khaaska ah: lama ogolaan"
    fixed_fifth = "Ogeysiiska khaaska ah: nooca {version}, la ogolaaday {date}"
    await review_five(bot, HODAN, {3: f"  {fixed_fourth} ", 4: fixed_fifth})
    # Asked again, Hodan is shown the sixth entry: each translator judges an entry once.
    shown = await bot.say(HODAN, "/reviewtexts")
    assert catalog.pending(locales, "so")[5].msgid in shown[-1]

    # One translator alone agrees with nobody: nothing is reviewed yet.
    out = tmp_path / "so-alone.po"
    assert await samen(["texts", "reviews", "--language", "so", "--out", str(out)]) == 0
    assert _fragment_ids(out) == []

    # Abdi agrees: the same corrections (with other spaces), "good" for the rest. The fifth
    # first drops a placeholder and is refused, naming it.
    await bot.say(ABDI, "/reviewtexts")
    await review_five(
        bot, ABDI, {3: fixed_fourth.replace(" ", "  "), 4: "Ogeysiiska: nooca {version}"}
    )
    refusal = bot.api.texts(ABDI.id)[-1]
    assert t.gettext("Missing: {names}", names="{date}") in refusal
    await bot.say(ABDI, fixed_fifth)
    thanks = bot.api.texts(ABDI.id)[-2]
    assert thanks == t.gettext(
        "Thank you! Two translators agree on this text now. A maintainer will put it into Samen."
    )

    # Nothing they typed changes what the bot says.
    assert bot.runtime.catalogs.translator("so").gettext(fourth.msgid) == fourth.translation

    out = tmp_path / "so.po"
    assert await samen(["texts", "reviews", "--language", "so", "--out", str(out)]) == 0
    assert _fragment_ids(out) == [e.msgid for e in entries]
    fragment_text = out.read_text(encoding="utf-8")
    assert "# Reviewed-By: 2 community reviewers, 2026-11-28" in fragment_text
    for person in (HODAN, ABDI):
        assert person.first_name not in fragment_text
        assert str(person.id) not in fragment_text

    assert await samen(["texts", "apply-reviews", str(out), "--locales", str(locales)]) == 0
    with catalog.po_path(locales, "so").open("rb") as handle:
        po = read_po(handle, locale="so")
    for entry in entries:
        message = po.get(entry.msgid)
        assert message is not None
        assert not any(catalog.REVIEW_NOTE in c for c in message.user_comments)
        assert "Reviewed-By: 2 community reviewers, 2026-11-28" in message.user_comments
    assert po.get(fourth.msgid).string == fixed_fourth
    assert po.get(fifth.msgid).string == fixed_fifth
    assert po.get(entries[0].msgid).string == entries[0].translation
    # The sixth entry is untouched, still waiting for review.
    sixth = catalog.pending(ROOT / "locales", "so")[5]
    assert catalog.pending(locales, "so")[0].msgid == sixth.msgid

    mo = catalog.po_path(locales, "so").with_suffix(".mo")
    with mo.open("rb") as handle:
        compiled = Translations(handle, domain="messages")
    assert compiled.gettext(fourth.msgid) == fixed_fourth
    assert compiled.gettext(fifth.msgid) == fixed_fifth

    # Applied entries are no longer exported.
    again = tmp_path / "so-again.po"
    assert await samen(["texts", "reviews", "--language", "so", "--out", str(again)]) == 0
    assert _fragment_ids(again) == []


async def samen(argv: list[str]) -> int:
    """Run a `samen` command as a maintainer would (its own event loop, in a thread)."""
    return await asyncio.to_thread(main, argv)


def _fragment_ids(path: Path) -> list[str]:
    with path.open("rb") as handle:
        fragment = read_po(handle)
    return [message.id for message in fragment if message.id]
