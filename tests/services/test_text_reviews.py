"""When translators agree on one of the bot's texts, what a fragment says, and what merging
it into a catalog does (bad fragments included)."""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from bot.cli import main
from bot.db.models import Member, TextReview, Verdict
from bot.runtime import Runtime
from bot.services.translations import catalog, fragments, reviews
from bot.services.translations.catalog import Entry

ROOT = Path(__file__).resolve().parents[2]


def entry(msgid: str = "Where: {place}", translation: str = "Meesha: {place}") -> Entry:
    return Entry("so", msgid, None, translation, catalog.OTHER, python_format=True)


async def vote(runtime: Runtime, found: Entry, *verdicts: tuple[Verdict, str | None]) -> None:
    """Each verdict from another (invented) member, a minute apart."""
    async with runtime.sessions() as session:
        for number, (verdict, text) in enumerate(verdicts):
            member = Member(telegram_user_id=930000000 + number, locale="so")
            session.add(member)
            await session.flush()
            session.add(
                TextReview(
                    catalog=found.catalog,
                    entry_key=found.key,
                    msgid=found.msgid,
                    reviewer_member_id=member.id,
                    verdict=verdict,
                    text=text,
                    created_at=runtime.clock() + timedelta(minutes=number),
                )
            )
        await session.commit()


async def agreed_on(runtime: Runtime, found: Entry) -> reviews.Agreed | None:
    async with runtime.sessions() as session:
        return (await reviews.agreed(session, found.catalog, [found])).get(found.key)


GOOD = (Verdict.GOOD, None)
SKIP = (Verdict.SKIPPED, None)


@pytest.mark.parametrize(
    ("verdicts", "text"),
    [
        pytest.param([GOOD], None, id="one translator alone"),
        pytest.param([GOOD, SKIP, SKIP], None, id="skips are no votes"),
        pytest.param([GOOD, GOOD], "Meesha: {place}", id="both good"),
        pytest.param(
            [(Verdict.CORRECTED, "Goobta:  {place} "), (Verdict.CORRECTED, "Goobta: {place}")],
            "Goobta:  {place}",
            id="the same correction but for spaces",
        ),
        pytest.param(
            [GOOD, (Verdict.CORRECTED, "Meesha:   {place}")],
            "Meesha: {place}",
            id="a correction that changes nothing is a good",
        ),
        pytest.param([GOOD, (Verdict.CORRECTED, "Goobta: {place}")], None, id="they disagree"),
        pytest.param(
            [
                GOOD,
                GOOD,
                (Verdict.CORRECTED, "Goobta: {place}"),
                (Verdict.CORRECTED, "Goobta: {place}"),
            ],
            None,
            id="a tie decides nothing",
        ),
    ],
)
async def test_two_translators_must_agree(
    runtime: Runtime, verdicts: list[tuple[Verdict, str | None]], text: str | None
) -> None:
    found = entry()
    await vote(runtime, found, *verdicts)
    agreed = await agreed_on(runtime, found)
    assert (agreed.text if agreed else None) == text


async def test_an_erased_reviewer_s_verdict_still_counts_once(runtime: Runtime) -> None:
    found = entry()
    await vote(runtime, found, GOOD, GOOD)
    async with runtime.sessions() as session:
        member = await session.get(Member, 1)
        assert member is not None
        await session.delete(member)
        await session.commit()
    agreed = await agreed_on(runtime, found)
    assert agreed is not None
    assert agreed.reviewers == 2


def test_placeholders_are_named_when_they_change() -> None:
    problem = catalog.placeholder_problem("{count} of {total}", "{count} ka {all}")
    assert problem == catalog.PlaceholderProblem(missing=("total",), added=("all",))
    assert catalog.placeholder_problem("{count} of {total}", "{total} – {count}") is None
    broken = catalog.placeholder_problem("{count}", "{count")
    assert broken is not None
    assert broken.broken


@pytest.mark.parametrize(
    ("catalog_name", "text", "doubts"),
    [
        ("ti", "ሰላም {name}", []),
        ("ti", "Hello {name}", ["script"]),
        ("ar", "Hello {name}", ["script"]),
        ("fa", "سلام {name}", []),
        ("uk", "Hello {name}", ["script"]),
        ("ru", "Привет, {name}", []),
        ("so", "Привет, {name}", ["script"]),
        ("ti", "ሰላም /mydata {name}", []),  # a command in Latin letters is fine
        ("so", "… {name} !", ["empty"]),
        ("so", "Haye {name} " + "a" * 80, ["longer"]),
    ],
)
def test_odd_texts_are_questioned(catalog_name: str, text: str, doubts: list[str]) -> None:
    found = Entry(catalog_name, "Hello {name}", None, "x", catalog.OTHER, python_format=True)
    assert catalog.doubts(found, text) == doubts


def test_the_review_order_leads_with_privacy_consent_delete_invitations_check_ins() -> None:
    areas = [e.area.key for e in catalog.pending(ROOT / "locales", "ti")]
    order = [a.key for a in catalog.AREAS] + ["other"]
    ranks = [order.index(a) for a in areas]
    assert ranks == sorted(ranks)
    assert areas[:1] == ["privacy"]
    assert {"consent", "delete", "invitation", "checkin"} <= set(areas)
    assert catalog.pending(ROOT / "locales", "en") == []


@pytest.fixture
def locales(tmp_path: Path) -> Path:
    copy = tmp_path / "locales"
    shutil.copytree(ROOT / "locales", copy)
    return copy


def write_fragment(path: Path, lang: str, texts: dict[str, str]) -> None:
    fragment = Catalog(locale=lang)
    for msgid, text in texts.items():
        fragment.add(msgid, text, user_comments=["Reviewed-By: 2 community reviewers, 2026-11-28"])
    with path.open("wb") as handle:
        write_po(handle, fragment)


def test_a_bad_entry_is_left_out_and_the_rest_merged(
    locales: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good, bad = "Where: {place}", "When: {when}"
    gone = "A text the source no longer has"
    path = tmp_path / "so.po"
    write_fragment(path, "so", {good: "Goobta: {place}", bad: "Goorma: {waqti}", gone: "x"})
    assert main(["texts", "apply-reviews", str(path), "--locales", str(locales)]) == 0
    output = capsys.readouterr().out
    assert "so: 1 entries reviewed (1 corrected), compiled" in output
    assert "left out (source or placeholders differ): When: {when}" in output
    assert f"left out (source or placeholders differ): {gone}" in output
    with catalog.po_path(locales, "so").open("rb") as handle:
        po = read_po(handle, locale="so")
    assert po.get(good).string == "Goobta: {place}"
    assert po.get(good).user_comments == ["Reviewed-By: 2 community reviewers, 2026-11-28"]
    assert any(catalog.REVIEW_NOTE in c for c in po.get(bad).user_comments)


def test_broken_fragments_say_what_to_fix_in_one_line(
    locales: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    unknown = tmp_path / "xx.po"
    write_fragment(unknown, "de", {"Yes": "Ja"})
    assert main(["texts", "apply-reviews", str(unknown), "--locales", str(locales)]) == 2
    assert capsys.readouterr().err.strip().count("\n") == 0
    assert main(["texts", "apply-reviews", str(tmp_path / "none.po")]) == 2
    assert "no such fragment" in capsys.readouterr().err
    garbage = tmp_path / "garbage.po"
    garbage.write_text('msgid "unterminated\n', encoding="utf-8")
    assert main(["texts", "apply-reviews", str(garbage), "--locales", str(locales)]) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_a_fragment_names_no_reviewer() -> None:
    assert fragments.reviewed_comment(3, date(2026, 12, 1)) == (
        "Reviewed-By: 3 community reviewers, 2026-12-01"
    )
