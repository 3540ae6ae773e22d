"""The one fallback chain: the member's language → the other languages they read, in their
order → the community's → the written-in language; variants fall back to their language;
each field (and each choice option, by index) on its own."""

from __future__ import annotations

from dataclasses import dataclass

from bot.services import fallback
from bot.services.fallback import Reading


@dataclass(frozen=True)
class Text:
    title: str
    place: str | None = None


TEXTS = {
    "nl": Text("Samen koken", "Buurthuis Oost"),
    "en": Text("Cooking together", "Community house East"),
    "ar": Text("نطبخ معًا"),  # no place in Arabic
    "fa": Text("آشپزی با هم", "خانه محله"),
}


def test_the_languages_a_member_reads_come_between_their_own_and_the_communitys() -> None:
    assert fallback.chain("uk", "nl", "nl", reads=["en", "ar"]) == ["uk", "en", "ar", "nl"]
    # Without other languages: today's chain.
    assert fallback.chain("uk", "nl", "ar") == ["uk", "nl", "ar"]
    # A variant before its language, at every step, and no repeats.
    assert fallback.chain("fa-AF", "nl", "nl", reads=["fa", "nl"]) == ["fa-AF", "fa", "nl"]
    assert fallback.chain(None, "nl", "en", reads=None) == ["nl", "en"]


def test_each_field_comes_from_the_first_language_that_has_it() -> None:
    tags = fallback.chain("ar", "nl", "nl", reads=["en"])
    assert fallback.pick_field(TEXTS, "title", tags) == ("ar", "نطبخ معًا")
    assert fallback.pick_field(TEXTS, "place", tags) == ("en", "Community house East")
    # Reading nothing else, the place comes from the community's language.
    assert fallback.pick_field(TEXTS, "place", fallback.chain("ar", "nl", "nl")) == (
        "nl",
        "Buurthuis Oost",
    )
    # Dari readers read the Farsi text.
    assert fallback.pick_field(TEXTS, "title", fallback.chain("fa-AF", "ti", "so")) == (
        "fa",
        "آشپزی با هم",
    )
    # Nothing along the chain: any text beats silence; no language at all: nothing.
    assert fallback.pick_field({"ar": TEXTS["ar"]}, "title", ["uk"]) == ("ar", "نطبخ معًا")
    assert fallback.pick_field({"ar": TEXTS["ar"]}, "place", ["ar"]) == (None, None)


def test_options_stay_aligned_by_index() -> None:
    lists = {"nl": ["Ochtend", "Middag", "Avond"], "en": ["Morning", "", "Evening"], "ar": None}
    tags = fallback.chain("ar", "nl", "nl", reads=["en"])
    assert fallback.pick_items(lists, tags, source_locale="nl") == (
        ("en", "Morning"),
        ("nl", "Middag"),  # the English list has a hole: that option from the next language
        ("en", "Evening"),
    )
    # As many options as the organiser wrote in the source language, never more.
    longer = {**lists, "en": ["Morning", "Afternoon", "Evening", "Night"]}
    assert len(fallback.pick_items(longer, tags, source_locale="nl")) == 3


def test_a_whole_text_and_what_a_reader_got() -> None:
    announcement = {"nl": "Zaterdag koken we.", "en": "On Saturday we cook."}
    assert fallback.pick(
        announcement, member_locale="uk", community_locale="nl", source_locale="nl", reads=["en"]
    ) == ("en", "On Saturday we cook.")
    assert fallback.pick(
        announcement, member_locale="uk", community_locale="nl", source_locale="nl"
    ) == ("nl", "Zaterdag koken we.")
    tags = ["ar", "en", "nl"]
    assert fallback.received(["ar", "en", "ar", None], tags) == ("ar", "en")


def test_an_audience_is_grouped_by_what_it_will_read() -> None:
    def got(locale: str, reads: tuple[str, ...]) -> tuple[str, ...]:
        tags = fallback.chain(locale, "nl", "nl", reads=reads)
        fields = [fallback.pick_field(TEXTS, name, tags)[0] for name in ("title", "place")]
        return fallback.received(fields, tags)

    readers = [("uk", ["en"]), ("uk", None), ("uk", ["de", "en"]), ("ar", []), ("nl", None)]
    groups = fallback.readings(readers, got)
    assert groups == (
        Reading("ar", ("ar", "nl"), (), 1),
        Reading("nl", ("nl",), (), 1),
        Reading("uk", ("en",), ("en",), 2),
        Reading("uk", ("nl",), (), 1),
    )
    assert [g.own for g in groups] == [False, True, False, False]
    assert [fallback.plain(g) for g in groups if not g.own] == [
        "ar → ar+nl: 1 member(s)",
        "uk → en (reads English): 2 member(s)",
        "warning: no text in uk; those members get the nl text",
    ]
