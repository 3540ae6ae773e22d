"""The callback-data codec: opaque ids in, typed values out, anything else is None."""

from __future__ import annotations

import pytest

from bot.channels.telegram import callbacks
from bot.channels.telegram.callbacks import ConsentAnswer, LanguageChoice, StepChoice
from bot.i18n import LANGUAGES


def test_round_trips() -> None:
    for language in LANGUAGES:
        assert callbacks.decode(callbacks.lang(language.tag)) == LanguageChoice(language.tag)
    assert callbacks.consent(3, True) == "consent:3:yes"
    assert callbacks.decode("consent:3:no") == ConsentAnswer(3, False)
    assert callbacks.step("profile", 12, "done") == "profile:12:done"
    assert callbacks.decode("profile:12:done") == StepChoice("profile", 12, "done")
    assert callbacks.task(12, "ask", "ti") == "tsk:12:ask:ti"
    assert callbacks.decode("tsk:12:ask:ti") == callbacks.TaskAction(12, "ask", "ti")
    assert callbacks.decode(callbacks.task(7, "approve")) == callbacks.TaskAction(7, "approve")


@pytest.mark.parametrize(
    "data",
    [
        None,
        "",
        "lang",
        "lang:",
        "lang:nl:x",
        "consent:1",
        "consent:0:yes",
        "consent:01:yes",
        "consent:1:ja",
        "profile:x:done",
        "profile:1:",
        "profile:-3:done",
        "Profile:1:done",
        "profile:1:done:extra",
        "share:1:Invented Club",
        "erase:1:ja nee",
        "x" * 65,
        "profile:1:" + "a" * 41,
        "\udcff",
        "lang:nl\n",
        "tsk:0:take",
        "tsk:5:steal",
        "tsk:5:ask:ti:more",
    ],
)
def test_anything_else_is_none(data: str | None) -> None:
    assert callbacks.decode(data) is None


def test_labels_and_oversized_data_cannot_be_encoded() -> None:
    with pytest.raises(ValueError, match="short ids"):
        callbacks.step("profile", 1, "Nederlandse taal")
    with pytest.raises(ValueError, match="invalid flow"):
        callbacks.step("consent", 1, "yes")
    with pytest.raises(callbacks.CallbackTooLong):
        callbacks.step("a_long_flow_name", 10**9, "b" * 40)


def test_everything_we_draw_fits_in_64_bytes() -> None:
    longest = callbacks.step("onboarding_long", 9_999_999_999, "c" * 36)
    assert len(longest.encode()) <= callbacks.MAX_BYTES
