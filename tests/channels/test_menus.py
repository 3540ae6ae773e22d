"""The command menu is registered per language, and /help says the same in words."""

from __future__ import annotations

from bot.channels.telegram import menus
from bot.channels.telegram.app import build_application
from bot.config import Settings
from bot.db.models import Role
from bot.runtime import Runtime
from tests.channels.journeys import CODE, onboard
from tests.factories import AMIRA, DAWIT, OLENA, SANNE, create_community
from tests.fakes.bot_api import Errors, FakeBotAPI, FakeRequest
from tests.harness import BotHarness
from tests.meeting_support import make_organiser

COMMAND_NAMES = [
    "share",
    "input",
    "propose",
    "topics",
    "question",
    "translator",
    "contributions",
    "language",
    "mydata",
    "whoami",
    "stop",
    "start",
    "delete",
    "help",
]


async def test_the_application_registers_the_menu_when_it_starts(
    settings: Settings, runtime: Runtime
) -> None:
    api = FakeBotAPI()
    app = build_application(settings, runtime=runtime, request=FakeRequest(api))
    await app.initialize()
    try:
        assert app.post_init is not None
        await app.post_init(app)
        assert len(api.calls_to("setMyCommands")) == 10
    finally:
        assert app.post_stop is not None
        await app.post_stop(app)
        await app.shutdown()


async def test_menus_are_registered_per_language(bot: BotHarness) -> None:
    await menus.publish(bot.app)
    calls = bot.api.calls_to("setMyCommands")
    by_language = {call.params.get("language_code"): call for call in calls}
    assert list(by_language) == [None, "nl", "en", "ar", "uk", "ru", "ti", "fa", "tr", "so"]
    for call in calls:
        assert call.params["scope"] == {"type": "all_private_chats"}
        assert [c["command"] for c in call.params["commands"]] == COMMAND_NAMES
    described = {
        code: call.params["commands"][0]["description"] for code, call in by_language.items()
    }
    assert described[None] == "Je verhaal delen"  # the default language, Dutch
    assert described["en"] == "Share your story"
    assert described["ar"] == "شارك قصتك"
    assert described["uk"] == "Поділитися своєю історією"
    assert described["ti"] == "ዛንታኹም ኣካፍሉ"
    assert described["so"] == "Wadaag sheekadaada"
    for call in calls:
        for command in call.params["commands"]:
            assert 3 <= len(command["description"]) <= 256


async def test_a_failing_menu_registration_does_not_stop_the_bot(
    bot: BotHarness, runtime: Runtime
) -> None:
    bot.api.fail(Errors.SERVER, method="setMyCommands", times=None)
    await menus.publish(bot.app)  # logs a warning, raises nothing
    assert bot.api.calls_to("setMyCommands")


async def test_choosing_a_language_sets_the_members_own_menu(bot: BotHarness) -> None:
    await create_community(bot.runtime, code=CODE)
    await onboard(bot, SANNE)
    await bot.say(SANNE, "/language")
    await bot.tap(SANNE, "العربية")
    call = bot.api.calls_to("setMyCommands")[-1]
    assert call.params["scope"] == {"type": "chat", "chat_id": SANNE.id}
    assert call.params["commands"][0]["description"] == "شارك قصتك"
    # From now on she is answered in Arabic.
    assert (await bot.say(SANNE, "/help"))[0].startswith("يمكنك ببساطة أن تكتب لي")


async def test_help_lists_the_commands_in_the_members_language(bot: BotHarness) -> None:
    t = bot.runtime.catalogs.translator("nl")
    # First: members can simply write; a person from their community answers.
    assert await bot.say(SANNE, "/help") == [
        "Je kunt me gewoon schrijven, of een spraakbericht of foto sturen: het gaat naar "
        "iemand van je gemeenschap, die je hier antwoordt.\n\n"
        "Dit kun je doen:\n"
        "/share — Je verhaal delen\n"
        "/input — " + t.gettext("Give input for a meeting") + "\n"
        "/propose — " + t.gettext("Propose a topic for a meeting") + "\n"
        "/topics — " + t.gettext("Support the topics proposed for a meeting") + "\n"
        "/question — " + t.gettext("Propose a question for the check-ins") + "\n"
        "/translator — " + t.gettext("Volunteer as a community translator") + "\n"
        "/contributions — " + t.gettext("See your contributions log") + "\n"
        "/language — Taal wijzigen\n"
        "/mydata — Zien wat Samen over jou bewaart\n"
        "/whoami — Je Telegram-nummer en rollen\n"
        "/stop — Alle berichten stoppen\n"
        "/start — Beginnen, of weer berichten krijgen\n"
        "/delete — Alles over jou verwijderen\n"
        "/help — Wat je kunt doen"
    ]
    assert (await bot.say(AMIRA, "/help"))[0].splitlines()[3] == "/share — شارك قصتك"


def _own_menu(bot: BotHarness, person_id: int) -> list[str]:
    """The commands of the last menu registered for the person's own chat."""
    calls = [
        c
        for c in bot.api.calls_to("setMyCommands")
        if c.params["scope"] == {"type": "chat", "chat_id": person_id}
    ]
    return [command["command"] for command in calls[-1].params["commands"]]


async def test_ambassadors_and_translators_find_their_commands_in_menu_and_help(
    bot: BotHarness,
) -> None:
    community = await create_community(bot.runtime, code=CODE)
    await make_organiser(bot.runtime, community.id, OLENA.id, Role.COORDINATOR)
    for person in (DAWIT, SANNE):
        await onboard(bot, person)
    ti = bot.runtime.catalogs.translator("ti")
    role_lines = [
        ti.gettext("As an ambassador or community translator:"),
        "/contribute — " + ti.gettext("Report an activity you did for the community"),
        "/hosting — " + ti.gettext("See the meetings you co-host"),
        "/reviewtexts — " + ti.gettext("Review the bot's texts in your language"),
        "/tasks — " + ti.gettext("See the translation tasks you can do"),
    ]
    # A member without a role: the member menu only, and /help says nothing of roles.
    (text,) = await bot.say(DAWIT, "/help")
    assert role_lines[0] not in text
    # Named ambassador: their own menu and /help add what the role does, before /help.
    await bot.say(OLENA, f"/addambassador {DAWIT.id}")
    assert _own_menu(bot, DAWIT.id) == [
        *COMMAND_NAMES[:-1],
        "contribute",
        "hosting",
        "reviewtexts",
        "tasks",
        "help",
    ]
    (text,) = await bot.say(DAWIT, "/help")
    assert text.splitlines()[-5:] == role_lines
    # No longer an ambassador: back to the member menu.
    await bot.say(OLENA, f"/removeambassador {DAWIT.id}")
    assert _own_menu(bot, DAWIT.id) == COMMAND_NAMES
    # A volunteer translator gets /reviewtexts and /tasks only, and loses them when they stop.
    nl = bot.runtime.catalogs.translator("nl")
    await bot.say(SANNE, "/translator")
    await bot.tap(SANNE, nl.gettext("Become a translator"))
    assert _own_menu(bot, SANNE.id) == [*COMMAND_NAMES[:-1], "reviewtexts", "tasks", "help"]
    (text,) = await bot.say(SANNE, "/help")
    assert text.splitlines()[-3:] == [
        nl.gettext("As an ambassador or community translator:"),
        "/reviewtexts — " + nl.gettext("Review the bot's texts in your language"),
        "/tasks — " + nl.gettext("See the translation tasks you can do"),
    ]
