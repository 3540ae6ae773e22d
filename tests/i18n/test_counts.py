"""Counts take the form of their number in every language, and the privacy notice says each of
its points in its own message, the months among them."""

from __future__ import annotations

import pytest

from bot.channels.telegram.views import prompts
from bot.config import load_settings
from bot.i18n import LANGUAGES, Catalogs, Translator
from bot.i18n.translator import FSI, PDI
from bot.services.communities import retention


@pytest.fixture(scope="module")
def catalogs() -> Catalogs:
    settings = load_settings(_env_file=None)
    return Catalogs(settings.locales_dir, settings.default_time_zone)


def plain(text: str) -> str:
    """Without the isolates that wrap inserted values in right-to-left text."""
    return text.replace(FSI, "").replace(PDI, "")


@pytest.mark.parametrize("tag", [lang.tag for lang in LANGUAGES])
def test_the_notice_is_an_opening_seven_points_and_the_question(
    catalogs: Catalogs, tag: str
) -> None:
    t = catalogs.translator(tag)
    opening, points, question = prompts.notice_text(t).split("\n\n")
    assert opening == t.gettext("Before we go on, this is how Samen handles your information.")
    assert points.split("\n") == [f"• {point}" for point in prompts.notice_points(t)]
    assert len(points.split("\n")) == 7
    assert question == t.gettext("Do you agree that Samen keeps this information?")
    for command in ("/mydata", "/delete", "/stop"):
        assert command in points


def test_the_notice_names_the_telegram_user_id(catalogs: Catalogs) -> None:
    assert "• What we keep: your Telegram user id, your language," in prompts.notice_text(
        catalogs.translator("en")
    )


@pytest.mark.parametrize(
    ("tag", "months", "expected"),
    [
        ("en", 24, "after 24 months at the latest"),
        ("en", 1, "after 1 month at the latest"),
        ("uk", 24, "щонайпізніше через 24 місяці."),  # few (the review's "24 місяців")
        ("uk", 5, "щонайпізніше через 5 місяців."),
        ("uk", 1, "щонайпізніше через 1 місяць."),
        ("ru", 24, "не позднее чем через 24 месяца."),
        ("ru", 11, "не позднее чем через 11 месяцев."),
        ("ar", 24, "بعد 24 شهرًا على الأكثر"),
        ("ar", 6, "بعد 6 أشهر على الأكثر"),
        ("ar", 2, "بعد شهرين على الأكثر"),
        ("nl", 1, "uiterlijk na 1 maand automatisch"),
        ("so", 24, "ugu dambayn 24 bilood kadib"),
    ],
)
def test_the_months_take_the_form_of_their_number(
    catalogs: Catalogs,
    monkeypatch: pytest.MonkeyPatch,
    tag: str,
    months: int,
    expected: str,
) -> None:
    monkeypatch.setattr(retention, "MAX_MONTHS", months)
    assert expected in plain(prompts.notice_text(catalogs.translator(tag)))


def counted(t: Translator, singular: str, plural: str, n: int) -> str:
    return plain(t.ngettext(singular, plural, n))


@pytest.mark.parametrize(
    ("tag", "n", "expected"),
    [
        ("uk", 1, "1 учасник"),
        ("uk", 3, "3 учасники"),
        ("uk", 11, "11 учасників"),
        ("ru", 21, "21 участник"),
        ("ru", 22, "22 участника"),
        ("ar", 2, "عضوان"),
        ("ar", 3, "3 أعضاء"),
        ("ar", 11, "11 عضوًا"),
        ("nl", 1, "1 lid"),
        ("en", 1, "1 member"),
    ],
)
def test_a_count_of_members_agrees_with_its_number(
    catalogs: Catalogs, tag: str, n: int, expected: str
) -> None:
    assert counted(catalogs.translator(tag), "{count} member", "{count} members", n) == expected


@pytest.mark.parametrize(
    ("tag", "n", "expected"),
    [
        ("en", 1, "Voice message of 1 second"),
        ("uk", 21, "Голосове повідомлення на 21 секунду"),
        ("ru", 3, "Голосовое сообщение на 3 секунды"),
        ("ar", 5, "رسالة صوتية مدتها 5 ثوانٍ"),  # the review: "ثانية" was wrong for 3 to 10
        ("ar", 1, "رسالة صوتية مدتها ثانية واحدة"),
    ],
)
def test_a_voice_message_says_its_seconds_in_the_right_form(
    catalogs: Catalogs, tag: str, n: int, expected: str
) -> None:
    t = catalogs.translator(tag)
    assert counted(
        t, "Voice message of {count} second", "Voice message of {count} seconds", n
    ) == (expected)
