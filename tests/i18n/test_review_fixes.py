"""The entries the translation review fixed keep their fixed text, so they cannot silently revert.

Each language's translator lists its fixes in `tests/i18n/review_fixes/<code>.toml`:

    [[fix]]
    msgid = "Where do you stand now?"
    msgstr = "…"

    [[fix]]                         # plural: the singular msgid, every form in a list
    msgid = "{count} person"
    msgstr = ["…", "…", "…"]

Without any such file the test passes: there is nothing to hold yet.
"""

from __future__ import annotations

from pathlib import Path

from bot.i18n.style import fix_problems
from tests.i18n.voice_support import write_catalog

ROOT = Path(__file__).resolve().parents[2]
LOCALES = ROOT / "locales"
FIXES = Path(__file__).resolve().parent / "review_fixes"


def test_every_fixed_entry_keeps_the_reviews_text() -> None:
    problems = fix_problems(LOCALES, FIXES)
    assert not problems, (
        "An entry the review fixed has changed. If the new text is better, change "
        "tests/i18n/review_fixes/<code>.toml with it:\n" + "\n".join(map(str, problems))
    )


# --- the check itself, on temporary files ---------------------------------------------------


def fixtures(tmp_path: Path) -> tuple[Path, Path, Path]:
    locales, fixes = tmp_path / "locales", tmp_path / "review_fixes"
    fixes.mkdir()
    po = write_catalog(
        locales,
        "uk",
        {
            "Where do you stand now?": "Як у вас зараз справи?",
            ("{count} person", "{count} people"): ("{count} людина", "{count} людини", "людей"),
        },
    )
    return locales, fixes, po


def test_no_fix_files_means_nothing_to_hold(tmp_path: Path) -> None:
    locales, fixes, _po = fixtures(tmp_path)
    assert fix_problems(locales, fixes) == []
    assert fix_problems(locales, tmp_path / "no such directory") == []


def test_fixes_that_hold_pass(tmp_path: Path) -> None:
    locales, fixes, _po = fixtures(tmp_path)
    (fixes / "uk.toml").write_text(
        '[[fix]]\nmsgid = "Where do you stand now?"\nmsgstr = "Як у вас зараз справи?"\n\n'
        '[[fix]]\nmsgid = "{count} person"\nmsgstr = ["{count} людина", "{count} людини", '
        '"людей"]\n',
        encoding="utf-8",
    )
    assert fix_problems(locales, fixes) == []


def test_a_reverted_entry_fails_naming_the_msgid_the_fix_and_the_text_found(
    tmp_path: Path,
) -> None:
    locales, fixes, po = fixtures(tmp_path)
    (fixes / "uk.toml").write_text(
        '[[fix]]\nmsgid = "Where do you stand now?"\nmsgstr = "Як у вас справи зараз?"\n\n'
        '[[fix]]\nmsgid = "{count} person"\nmsgstr = ["{count} людина", "{count} людини", '
        '"{count} людей"]\n',
        encoding="utf-8",
    )

    problems = [str(p) for p in fix_problems(locales, fixes)]

    assert problems == [
        f"{po}: msgid 'Where do you stand now?': differs from the review's fix in uk.toml: "
        "expected 'Як у вас справи зараз?', found 'Як у вас зараз справи?'",
        f"{po}: msgid '{{count}} person': differs from the review's fix in uk.toml: "
        "expected ['{count} людина', '{count} людини', '{count} людей'], "
        "found ['{count} людина', '{count} людини', 'людей']",
    ]


def test_a_fix_for_a_missing_entry_or_catalog_or_a_broken_file_fails(tmp_path: Path) -> None:
    locales, fixes, po = fixtures(tmp_path)
    (fixes / "uk.toml").write_text(
        '[[fix]]\nmsgid = "Gone"\nmsgstr = "Немає"\n\n[[fix]]\nmsgid = "No text"\n',
        encoding="utf-8",
    )
    (fixes / "am.toml").write_text('[[fix]]\nmsgid = "Yes"\nmsgstr = "አዎ"\n', encoding="utf-8")
    (fixes / "ru.toml").write_text("[[fix]\n", encoding="utf-8")

    problems = [str(p) for p in fix_problems(locales, fixes)]

    assert problems[0] == f"{fixes / 'am.toml'}: there is no catalog 'am' for these fixes"
    assert problems[1].startswith(f"{fixes / 'ru.toml'}: is not valid TOML")
    assert problems[2:] == [
        f"{po}: msgid 'Gone': the fixed entry is gone from the catalog",
        f"{fixes / 'uk.toml'}: fix #2 needs a msgid and a msgstr",
    ]
