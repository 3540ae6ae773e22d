"""Reading an answer of the right type out of what a member sent, in any script's digits."""

from __future__ import annotations

from bot.db.models import QuestionKind
from bot.services.intake.questions import (
    SCALE,
    Asked,
    Given,
    Parsed,
    Problem,
    check_scale,
    parse,
    parse_date,
    scale_from,
    scale_options,
)
from bot.services.meetings.drafts import parse_scale, split_options


def asked(kind: QuestionKind, options: tuple[str, ...] = ()) -> Asked:
    return Asked(1, kind, False, "nl", "?", options)


COLOURS = ("Rood", "Groen", "Blauw")


def test_text_and_voice_take_only_their_own_kind() -> None:
    assert parse(asked(QuestionKind.TEXT), Given(text="  Werk  ")) == Parsed(
        QuestionKind.TEXT, text="Werk"
    )
    assert parse(asked(QuestionKind.TEXT), Given(text="   ")) == Problem(
        QuestionKind.TEXT, "empty"
    )
    assert parse(asked(QuestionKind.TEXT), Given(text="x" * 4001)).reason == "too_long"
    assert parse(asked(QuestionKind.TEXT), Given(voice_file_id="v")).reason == "not_text"
    assert parse(asked(QuestionKind.VOICE), Given(text="hallo")).reason == "not_voice"
    voice = parse(asked(QuestionKind.VOICE), Given(voice_file_id="v1", voice_duration=9))
    assert voice == Parsed(QuestionKind.VOICE, voice_file_id="v1", voice_duration=9)


def test_choices_by_button_number_or_label() -> None:
    single = asked(QuestionKind.SINGLE_CHOICE, COLOURS)
    assert parse(single, Given(choice=1)).value == [1]
    assert parse(single, Given(text="3")).text == "Blauw"
    assert parse(single, Given(text="groen")).value == [1]
    assert parse(single, Given(text="٢")).value == [1]  # Arabic-Indic two
    assert parse(single, Given(choice=7)) == Problem(QuestionKind.SINGLE_CHOICE, "out_of_range")
    assert parse(single, Given(text="paars")).reason == "out_of_range"
    multiple = asked(QuestionKind.MULTIPLE_CHOICE, COLOURS)
    assert parse(multiple, Given(choices=(2, 0))) == Parsed(
        QuestionKind.MULTIPLE_CHOICE, text="Rood; Blauw", value=[0, 2]
    )
    assert parse(multiple, Given(text="1, 3")).value == [0, 2]
    assert parse(multiple, Given(text="۱ ۲")).value == [0, 1]  # Persian digits
    assert parse(multiple, Given(choices=())).reason == "out_of_range"


def test_scale_yes_no_and_dates() -> None:
    scale = asked(QuestionKind.SCALE)
    assert parse(scale, Given(choice=4)).value == 4
    assert parse(scale, Given(text="٥")).value == 5
    assert parse(scale, Given(text="6")).reason == "out_of_range"
    assert parse(scale, Given(text="goed")).reason == "out_of_range"
    assert parse(asked(QuestionKind.YES_NO), Given(yes=False)).value is False
    assert parse(asked(QuestionKind.YES_NO), Given(text="ja")).reason == "out_of_range"
    when = asked(QuestionKind.DATE)
    assert parse(when, Given(text="14-03-2027")).value == "2027-03-14"
    assert parse(when, Given(text="۱۴/۳/۲۰۲۷")).value == "2027-03-14"
    assert parse(when, Given(text="31-02-2027")) == Problem(QuestionKind.DATE, "not_a_date")
    assert parse_date("2027-3-14") is not None
    assert parse_date("morgen") is None


def test_a_scale_keeps_the_range_the_organiser_chose() -> None:
    ten = Asked(1, QuestionKind.SCALE, False, "nl", "?", (), scale=range(0, 11))
    assert parse(ten, Given(text="0")).value == 0
    assert parse(ten, Given(text="١٠")).value == 10
    assert parse(ten, Given(text="11")).reason == "out_of_range"
    # Stored as its points in the options column; older rows without them are 1-5.
    assert scale_from(scale_options(range(0, 11))) == range(0, 11)
    assert scale_from(None) == SCALE == range(1, 6)
    assert check_scale(1, 7) == range(1, 8)
    assert check_scale(5, 1) is None
    assert check_scale(0, 11) is None


def test_organisers_type_options_and_ranges_as_they_like() -> None:
    assert split_options("Ochtend, Middag ,Avond") == ["Ochtend", "Middag", "Avond"]
    assert split_options("صباحًا، مساءً") == ["صباحًا", "مساءً"]
    assert split_options("Ja, graag\nNee\n\n") == ["Ja, graag", "Nee"]  # lines keep commas
    assert parse_scale("١-٧") == range(1, 8)
    assert parse_scale("0 – 10") == range(0, 11)
    assert parse_scale("3") is None
