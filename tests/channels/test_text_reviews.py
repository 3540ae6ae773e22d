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
from sqlalchemy import select

from bot.channels.telegram.views import contributions as views
from bot.cli import main
from bot.config import Settings
from bot.db.models import Contribution, ContributionKind, ContributionStatus
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


async def review_five(bot: BotHarness, person: Person, fixes: dict[int, list[str]]) -> None:
    """Go through the five most important Somali entries: "good", or "correct it" with the
    texts in `fixes` (several when the first attempts are refused)."""
    t = bot.runtime.catalogs.translator("so")
    for index in range(5):
        if index in fixes:
            await bot.tap(person, t.gettext("Correct it"))
            for text in fixes[index]:
                await bot.say(person, text)
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
    # One of the five they correct without placeholders, one with them.
    plain = max(i for i, e in enumerate(entries) if not catalog.placeholders(e.msgid))
    held = min(i for i, e in enumerate(entries) if catalog.placeholders(e.msgid))
    names = sorted(catalog.placeholders(entries[held].msgid))
    fixed_plain = "Qoraal cusub oo sax ah"
    fixed_held = "Qoraal cusub: " + ", ".join("{" + name + "}" for name in names)

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
    await review_five(bot, HODAN, {plain: [f"  {fixed_plain} "], held: [fixed_held]})
    # Asked again, Hodan is shown the sixth entry: each translator judges an entry once.
    shown = await bot.say(HODAN, "/reviewtexts")
    assert catalog.pending(locales, "so")[5].msgid in shown[-1]

    # One translator alone agrees with nobody: nothing is reviewed yet.
    out = tmp_path / "so-alone.po"
    assert await samen(["texts", "reviews", "--language", "so", "--out", str(out)]) == 0
    assert _fragment_ids(out) == []

    # Abdi agrees: the same corrections (with other spaces), "good" for the rest. His first
    # try at the one with placeholders drops them and is refused, naming them.
    await bot.say(ABDI, "/reviewtexts")
    await review_five(
        bot, ABDI, {plain: [fixed_plain.replace(" ", "  ")], held: ["Qoraal cusub", fixed_held]}
    )
    abdi_saw = bot.api.texts(ABDI.id)
    missing = t.gettext("Missing: {names}", names=" ".join("{" + n + "}" for n in names))
    assert any(missing in text for text in abdi_saw)
    assert (
        t.gettext(
            "Thank you! Two translators agree on this text now. A maintainer will put it "
            "into Samen."
        )
        in abdi_saw
    )

    # Nothing they typed changes what the bot says.
    spoken = bot.runtime.catalogs.translator("so")
    assert spoken.gettext(entries[plain].msgid) == entries[plain].translation

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
    for found in entries:
        message = po.get(found.msgid)
        assert message is not None
        assert not any(catalog.REVIEW_NOTE in c for c in message.user_comments)
        assert "Reviewed-By: 2 community reviewers, 2026-11-28" in message.user_comments
    assert po.get(entries[plain].msgid).string == fixed_plain
    assert po.get(entries[held].msgid).string == fixed_held
    good = next(i for i in range(5) if i not in {plain, held})
    assert po.get(entries[good].msgid).string == entries[good].translation
    # The sixth entry is untouched, still waiting for review.
    sixth = catalog.pending(ROOT / "locales", "so")[5]
    assert catalog.pending(locales, "so")[0].msgid == sixth.msgid

    mo = catalog.po_path(locales, "so").with_suffix(".mo")
    with mo.open("rb") as handle:
        compiled = Translations(handle, domain="messages")
    assert compiled.gettext(entries[plain].msgid) == fixed_plain
    assert compiled.gettext(entries[held].msgid) == fixed_held

    # Applied entries are no longer exported.
    again = tmp_path / "so-again.po"
    assert await samen(["texts", "reviews", "--language", "so", "--out", str(again)]) == 0
    assert _fragment_ids(again) == []


async def test_two_agreeing_translators_each_find_the_words_in_their_contributions_log(
    bot: BotHarness, locales: Path
) -> None:
    await create_community(bot.runtime)
    t = bot.runtime.catalogs.translator("so")
    first = catalog.pending(locales, "so")[0]
    words = len(first.translation.split())
    for person in (HODAN, ABDI):
        await onboard(bot, person)
        await volunteer(bot, person)
        await bot.say(person, "/reviewtexts")
        await bot.tap(person, t.gettext("Good as it is"))
    # A verdict given again (Abdi looks once more and says "good" again) logs nothing twice.
    await bot.say(ABDI, "/reviewtexts")
    expected = "\n".join(
        [
            t.gettext("Your contributions:"),
            views.row_line(
                t,
                Contribution(
                    kind=ContributionKind.TRANSLATION.value,
                    status=ContributionStatus.CONFIRMED.value,
                    occurred_at=bot.runtime.clock(),
                    words=words,
                ),
            ),
            "",
            t.gettext("Confirmed time: {length}", length=views.length(t, 0)),
        ]
    )
    for person in (HODAN, ABDI):
        assert await bot.say(person, "/contributions") == [expected]
    async with bot.runtime.sessions() as session:
        rows = (await session.scalars(select(Contribution))).all()
    assert sorted(r.words or 0 for r in rows) == [words, words]
    assert all(r.kind == ContributionKind.TRANSLATION for r in rows)


async def samen(argv: list[str]) -> int:
    """Run a `samen` command as a maintainer would (its own event loop, in a thread)."""
    return await asyncio.to_thread(main, argv)


def _fragment_ids(path: Path) -> list[str]:
    with path.open("rb") as handle:
        fragment = read_po(handle)
    return [message.id for message in fragment if message.id]
