"""One voice per language: every catalog has a glossary and a style section and keeps to them.

The real `locales/` is checked first; then temporary locales directories show what the check
finds and how it says it, and that `samen texts new` starts a language the check then guides.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from bot.cli import main
from bot.i18n import LANGUAGES
from bot.i18n.style import check, found_markers, glued_commands, load_catalog
from tests.i18n.voice_support import good_locales, write_catalog

ROOT = Path(__file__).resolve().parents[2]
LOCALES = ROOT / "locales"
OFFERED = {lang.catalog for lang in LANGUAGES}


def report(problems: list) -> str:
    return "\n".join(str(p) for p in problems)


# --- the real catalogs ------------------------------------------------------------------------


def test_every_catalog_keeps_its_voice() -> None:
    """Each catalog's glossary.toml and STYLE.md section exist, and no msgstr uses a marker.

    The glossaries and the per-language sections are written by each language's translator
    (locales/<code>/glossary.toml, the sections under '# Per language' in locales/STYLE.md).
    """
    problems = check(LOCALES, offered=OFFERED)
    assert not problems, (
        f"The voice check found {len(problems)} problem(s). A missing glossary or style "
        "section is the translator's to add (see locales/STYLE.md); a marker found means the "
        "msgstr uses a word its glossary avoids:\n" + report(problems)
    )


def test_no_command_in_any_catalog_is_glued_to_a_letter() -> None:
    glued = []
    for catalog in sorted(OFFERED):
        for message in load_catalog(LOCALES, catalog):
            if not message.id:
                continue
            source = message.id if isinstance(message.id, str) else " ".join(message.id)
            forms = message.string if isinstance(message.string, tuple) else (message.string,)
            glued += [(catalog, source, form) for form in forms if glued_commands(source, form)]
    assert not glued, f"a letter right before a /command (Telegram does not link it): {glued}"


def test_every_catalog_is_offered_to_members() -> None:
    on_disk = {p.parent.parent.name for p in LOCALES.glob("*/LC_MESSAGES/messages.po")}
    assert on_disk <= OFFERED, (
        f"catalogs members cannot choose: {sorted(on_disk - OFFERED)}; "
        "add them to LANGUAGES in bot/i18n/languages.py"
    )


# --- how markers match ----------------------------------------------------------------------


def test_markers_match_whole_words_in_any_case_and_normal_form() -> None:
    assert found_markers("Обери одну з кнопок.", ["обери"]) == ["обери"]
    assert found_markers("Тихо, ти тут?", ["ти"]) == ["ти"]
    assert found_markers("Тихо.", ["ти"]) == []  # inside a word: no
    assert found_markers("Yarın toplantı var.", ["toplantı"]) == ["toplantı"]
    # A decomposed "й" (и + combining breve) is the same letter as the composed one.
    assert found_markers("Прии\u0306ди сюди", ["прийди"]) == ["прийди"]
    assert found_markers("Прийдіть", ["прийди"]) == []
    assert found_markers("see you at the meeting point", ["meeting point"]) == ["meeting point"]


def test_a_command_after_a_letter_is_glued_and_after_a_space_is_not() -> None:
    source = "Use /translate to add a translation, /meeting to see it."
    assert glued_commands(source, "…، و/translate …، و/meeting …") == ["/translate", "/meeting"]
    assert glued_commands(source, "…، و /translate …، (/meeting) …") == []
    # Only the source's commands count: a path-like word elsewhere is not a command.
    assert glued_commands("Send /stats", "Stuur /stats en/of later") == []
    assert glued_commands("Yes/no", "Ja/nee") == glued_commands("Yes/no", "Yes/no") == []


# --- the check over temporary locales -------------------------------------------------------


def test_a_catalog_that_keeps_to_its_glossary_passes(tmp_path: Path) -> None:
    assert check(good_locales(tmp_path), offered={"uk"}) == []


def test_an_avoided_word_names_the_file_the_msgid_and_the_marker(tmp_path: Path) -> None:
    locales = good_locales(tmp_path)
    po = write_catalog(
        locales,
        "uk",
        {
            "Please choose with the buttons.": "Будь ласка, обери кнопками.",
            ("{count} meeting", "{count} meetings"): ("{count} збори", "{count} збори", "зборів"),
        },
    )

    problems = [str(p) for p in check(locales, offered={"uk"})]

    assert problems == [
        f"{po}: msgid 'Please choose with the buttons.': uses 'обери' (form of address)",
        f"{po}: msgid '{{count}} meeting': uses 'збори' (term outside the glossary)",
        f"{po}: msgid '{{count}} meeting': uses 'збори' (term outside the glossary)",
    ]


def test_a_glued_command_is_a_problem_of_its_entry(tmp_path: Path) -> None:
    locales = good_locales(tmp_path)
    msgid = "Use /translate to add a translation, /meeting to see it."
    po = write_catalog(locales, "uk", {msgid: "Надішліть и/translate."})

    (problem,) = check(locales, offered={"uk"})

    assert str(problem).startswith(f"{po}: msgid {msgid!r}: /translate is glued to a letter")


def test_a_glossary_without_a_required_key_or_with_an_empty_term_fails(tmp_path: Path) -> None:
    locales = good_locales(tmp_path)
    glossary = locales / "uk" / "glossary.toml"
    text = glossary.read_text(encoding="utf-8")
    text = text.replace('ambassador = "амбасадор"\n', "").replace('"опитування"', '""')
    glossary.write_text(text.replace('terms = ["збори", "засідання"]\n', ""), encoding="utf-8")

    problems = [str(p) for p in check(locales, offered={"uk"})]

    assert problems == [
        f"{glossary}: [terms] has no 'ambassador'",
        f"{glossary}: [terms] 'check-in' is empty: fill in the word",
        f"{glossary}: [avoid] 'terms' must be a list of words",
    ]


def test_a_missing_glossary_and_a_broken_one_are_named(tmp_path: Path) -> None:
    locales = good_locales(tmp_path)
    glossary = locales / "uk" / "glossary.toml"
    glossary.unlink()
    (problem,) = check(locales, offered={"uk"})
    assert str(problem).startswith(f"{glossary}: missing: every catalog needs a glossary")

    glossary.write_text('language = "uk"\n[terms\n', encoding="utf-8")
    (problem,) = check(locales, offered={"uk"})
    assert str(problem).startswith(f"{glossary}: is not valid TOML")


def test_a_catalog_without_a_style_section_fails(tmp_path: Path) -> None:
    locales = good_locales(tmp_path)
    style = locales / "STYLE.md"
    style.write_text(style.read_text(encoding="utf-8").replace("## uk — Ukrainian", "## uk"))

    assert [str(p) for p in check(locales, offered={"uk"})] == [
        f"{style}: has no section '## uk — <English name>' for catalog 'uk'"
    ]


def test_a_copy_of_the_real_locales_with_a_new_catalog_without_style_fails(
    tmp_path: Path,
) -> None:
    locales = tmp_path / "locales"
    shutil.copytree(LOCALES, locales, ignore=shutil.ignore_patterns("*.mo"))
    before = {str(p).replace(str(locales), "") for p in check(locales, offered=OFFERED)}
    write_catalog(locales, "am", {"Yes": "አዎ"})

    new = [
        str(p).replace(str(locales), "")
        for p in check(locales, offered=OFFERED)
        if str(p).replace(str(locales), "") not in before
    ]

    assert new == [
        "bot/i18n/languages.py: catalog 'am' is not offered: add it to LANGUAGES "
        "(`samen texts new` prints the line)",
        "/STYLE.md: has no section '## am — <English name>' for catalog 'am'",
        "/am/glossary.toml: missing: every catalog needs a glossary (its fixed terms and avoid "
        "markers); see locales/STYLE.md, or run `make texts-new LANG=<code>` for a skeleton",
    ]


# --- samen texts new ------------------------------------------------------------------------


def test_a_new_language_starts_with_skeletons_the_check_asks_to_fill_in(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    locales = tmp_path / "locales"
    shutil.copytree(LOCALES, locales, ignore=shutil.ignore_patterns("*.mo", "*.po"))

    assert main(["texts", "new", "am", "--locales", str(locales)]) == 0

    printed = capsys.readouterr().out
    assert 'Language("am", "am", "am", "አማርኛ"),' in printed
    # What `pybabel init` makes: every message of the template, Babel's plural rule for am.
    catalog = load_catalog(locales, "am")
    with (locales / "messages.pot").open("rb") as handle:
        template = read_po(handle)
    assert {m.id for m in catalog if m.id} == {m.id for m in template if m.id}
    header = dict(catalog.mime_headers)
    assert header["Language"] == "am"
    assert (
        header["Plural-Forms"]
        == Catalog(locale="am").plural_forms
        == "nplurals=2; plural=(n > 1);"
    )
    glossary = locales / "am" / "glossary.toml"
    assert 'language = "am"' in glossary.read_text(encoding="utf-8")
    assert "\n## am — Amharic\n" in (locales / "STYLE.md").read_text(encoding="utf-8")

    problems = [str(p) for p in check(locales, offered=OFFERED | {"am"})]
    am = [p for p in problems if "/am/" in p or "'am'" in p]
    assert f"{glossary}: [terms] 'meeting' is empty: fill in the word" in am
    assert f"{glossary}: 'address' is missing or empty: say the form of address" in am
    assert f"{locales / 'STYLE.md'}: section 'am' still has 'FILL IN' parts" in am

    # Filled in, the new language passes (its catalog is still untranslated: that is the
    # completeness test's to say, once it is offered).
    text = glossary.read_text(encoding="utf-8").replace(
        'address = ""  # FILL IN: the form of address, and how to stay gender-neutral',
        'address = "polite plural"',
    )
    text = text.replace('""  # FILL IN', '"ቃል"')
    glossary.write_text(text, encoding="utf-8")
    style = locales / "STYLE.md"
    style.write_text(style.read_text(encoding="utf-8").replace("FILL IN", "written"))
    assert [p for p in map(str, check(locales, offered=OFFERED | {"am"})) if "/am/" in p] == []


def test_a_new_language_refuses_a_second_time_and_an_unknown_code(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    locales = tmp_path / "locales"
    shutil.copytree(LOCALES, locales, ignore=shutil.ignore_patterns("*.mo"))

    assert main(["texts", "new", "uk", "--locales", str(locales)]) == 2
    assert main(["texts", "new", "xq", "--locales", str(locales)]) == 2
    assert main(["texts", "new", "C.UTF-8", "--locales", str(locales)]) == 2

    errors = capsys.readouterr().err.splitlines()
    assert errors == [
        f"samen: {locales / 'uk' / 'LC_MESSAGES' / 'messages.po'} exists already: edit it, "
        "or pick another code",
        "samen: Babel does not know the language 'xq' (a CLDR code, e.g. am)",
        "samen: 'C.UTF-8' is not a language code: use two or three letters, e.g. am",
    ]
