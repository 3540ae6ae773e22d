"""Long texts are split where Telegram counts (UTF-16), never inside a character or entity."""

from __future__ import annotations

import itertools
import re
import unicodedata

import pytest

from bot.channels.telegram.outbox.splitting import (
    MAX_MESSAGE,
    TextEntity,
    is_grapheme_boundary,
    split_text,
    utf16_len,
)

ARABIC_WORD = "مَرْحَبًا"  # letters carrying harakat: combining marks that belong to them
FAMILY = "👩\u200d👩\u200d👧"  # one picture made of three emoji and two joiners
THUMB = "👍🏽"  # an emoji and its skin tone
FLAG = "🇳🇱"  # two regional indicators


def no_space(text: str) -> str:
    return re.sub(r"\s", "", text)


def assert_well_formed(parts: list[tuple[str, list[TextEntity]]], original: str) -> None:
    for text, _entities in parts:
        assert 0 < utf16_len(text) <= MAX_MESSAGE
        text.encode("utf-16-le")  # strict: a lone surrogate would raise
        assert not unicodedata.combining(text[0]), "a part starts with a combining mark"
        assert text[0] not in "\u200d\ufe0f"
        assert not 0x1F3FB <= ord(text[0]) <= 0x1F3FF
    assert no_space("".join(text for text, _ in parts)) == no_space(original)


def test_a_short_text_is_one_part() -> None:
    assert split_text("Tot zaterdag!") == [("Tot zaterdag!", [])]


def test_an_emoji_straddling_the_limit_moves_whole_to_the_next_part() -> None:
    # 4,095 units, then an emoji of 2 UTF-16 units: cutting at 4,096 would split its pair.
    text = "a" * 4095 + "😀" + "b" * 10
    parts = split_text(text)
    assert [utf16_len(p) for p, _ in parts] == [4095, 12]
    assert parts[1][0].startswith("😀")
    assert_well_formed(parts, text)


@pytest.mark.parametrize("cluster", [FAMILY, THUMB, FLAG], ids=["zwj", "skin-tone", "flag"])
def test_emoji_sequences_at_the_boundary_stay_whole(cluster: str) -> None:
    for shift in range(utf16_len(cluster) + 1):
        text = "x" * (MAX_MESSAGE - shift) + cluster + "y" * 20
        parts = split_text(text)
        assert_well_formed(parts, text)
        assert any(cluster in p for p, _ in parts), f"{cluster!r} was cut (shift {shift})"


def test_arabic_letters_keep_their_marks_when_there_is_no_space_to_cut_at() -> None:
    # One endless "word": the cut has to fall between letters, never before a haraka.
    text = ARABIC_WORD * 800
    parts = split_text(text)
    assert len(parts) > 1
    assert_well_formed(parts, text)
    for (before, _), (after, _) in itertools.pairwise(parts):
        assert is_grapheme_boundary(before[-1] + after[0], 1)
        assert not unicodedata.combining(after[0])


def test_arabic_prose_is_cut_at_a_space_and_emoji_at_the_boundary_survive() -> None:
    sentence = f"{ARABIC_WORD} يا أصدقاء {THUMB} نلتقي يوم السبت {FLAG}. "
    text = sentence * 300
    parts = split_text(text)
    assert_well_formed(parts, text)
    for part, _ in parts[:-1]:
        # Every part ends where a word ended.
        assert text[text.index(part) + len(part)].isspace()
    assert sum(p.count(THUMB) for p, _ in parts) == 300
    assert sum(p.count(FLAG) for p, _ in parts) == 300


def test_paragraph_breaks_are_preferred() -> None:
    paragraph = "Een zin over de bijeenkomst. " * 60  # about 1,740 units
    text = "\n\n".join([paragraph.strip()] * 4)
    parts = split_text(text)
    assert [p for p, _ in parts] == [
        "\n\n".join([paragraph.strip()] * 2),
        "\n\n".join([paragraph.strip()] * 2),
    ]


def test_an_entity_is_never_cut_and_is_rebased_onto_its_part() -> None:
    prefix = "word " * 790  # 3,950 units
    bold = "🎉 " + "vet " * 60  # straddles 4,096
    text = prefix + bold + "einde"
    offset = utf16_len(prefix)
    entity = TextEntity("bold", offset, utf16_len(bold.rstrip()))
    parts = split_text(text, [entity])
    assert_well_formed(parts, text)
    (_first_text, first_entities), (second_text, second_entities) = parts
    assert first_entities == []
    assert second_entities == [TextEntity("bold", 0, entity.length)]
    assert second_text.startswith("🎉 vet")
    # The entity covers exactly the bold text in the new part.
    covered = second_text.encode("utf-16-le")[: 2 * entity.length].decode("utf-16-le")
    assert covered == bold.rstrip()


def test_an_entity_longer_than_a_message_is_split_between_characters() -> None:
    text = "😀" * 3000  # 6,000 units, all bold
    parts = split_text(text, [TextEntity("bold", 0, 6000)])
    assert [utf16_len(p) for p, _ in parts] == [4096, 1904]
    assert [e for _, e in parts] == [
        [TextEntity("bold", 0, 4096)],
        [TextEntity("bold", 0, 1904)],
    ]
