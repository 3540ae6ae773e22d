"""The playground in a real browser: Debian's chromium, driven by Playwright.

One journey across five phones: a Dutch newcomer joins, picks a language and agrees; the
organiser invites; an Arabic member says she is going and answers a question; the organiser
sees her in /meeting. The Arabic chat must be laid out right to left. Screenshots are kept
in test-artefacts/playground/.
"""

from __future__ import annotations

import ipaddress
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from bot.i18n import Catalogs
from bot.playground import seed
from tests.playground.conftest import ARTEFACTS, ROOT, Running

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WAIT_MS = 20_000

if not CHROMIUM.exists() or shutil.which(str(CHROMIUM)) is None:
    if os.environ.get("SAMEN_REQUIRE_BROWSER") == "1":
        raise RuntimeError(f"SAMEN_REQUIRE_BROWSER=1 but there is no chromium at {CHROMIUM}")
    pytest.skip(
        f"no chromium at {CHROMIUM} (apt-get install chromium; .ci/run installs it)",
        allow_module_level=True,
    )
sync_api = pytest.importorskip("playwright.sync_api")

catalogs = Catalogs(ROOT / "locales", "Europe/Amsterdam")
nl = catalogs.translator("nl")
ar = catalogs.translator("ar")


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def visited(browser: object, running: Running) -> Iterator[tuple[object, list[str]]]:
    """The page, with every request the browser makes recorded; only loopback may load."""
    requests: list[str] = []
    context = browser.new_context(viewport={"width": 1600, "height": 1000})  # type: ignore[attr-defined]

    def route(handle: object) -> None:
        url = handle.request.url  # type: ignore[attr-defined]
        requests.append(url)
        host = urlsplit(url).hostname or ""
        if host == "localhost" or ipaddress.ip_address(host).is_loopback:
            handle.continue_()  # type: ignore[attr-defined]
        else:
            handle.abort()  # type: ignore[attr-defined]

    context.route("**/*", route)
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    page.goto(running.url)
    yield page, requests
    context.close()


def phone(page: object, person: seed.Person) -> object:
    return page.locator(f"#phone-{person.user_id}")  # type: ignore[attr-defined]


def tap(page: object, person: seed.Person, label: str) -> None:
    """Tap the newest inline button with this label in the person's chat."""
    button = phone(page, person).locator(".bubble .inline", has_text=label).last
    button.click()


def say(page: object, person: seed.Person, text: str) -> None:
    field = phone(page, person).locator(".compose input")
    field.fill(text)
    field.press("Enter")


def bot_says(page: object, person: seed.Person, text: str) -> object:
    bubble = phone(page, person).locator(".bubble.bot", has_text=text).last
    sync_api.expect(bubble).to_be_visible(timeout=WAIT_MS)
    return bubble


def test_a_meeting_from_invitation_to_count_in_the_browser(
    visited: tuple[object, list[str]], running: Running
) -> None:
    page, requests = visited
    sync_api.expect(page.locator(".banner")).to_contain_text("playground")  # type: ignore[attr-defined]
    sync_api.expect(page.locator(".phone")).to_have_count(len(seed.CAST))  # type: ignore[attr-defined]
    assert "ar" in phone(page, seed.AMIRA).locator("header").inner_text()

    # Noor (Dutch) opens the bot from a join link, picks her language and agrees.
    phone(page, seed.NOOR).locator(".start").click()
    bot_says(page, seed.NOOR, "Buurtkamer De Linde")
    tap(page, seed.NOOR, "✓ Nederlands")
    tap(page, seed.NOOR, nl.gettext("Yes, I agree"))
    bot_says(page, seed.NOOR, nl.gettext("Skip"))
    sync_api.expect(phone(page, seed.NOOR).locator(".language")).to_contain_text("Nederlands")

    # The command menu is the one registered for her language.
    phone(page, seed.AMIRA).locator(".menu-button").click()
    menu = phone(page, seed.AMIRA).locator(".menu")
    sync_api.expect(menu).to_contain_text(ar.gettext("Change the language"))
    phone(page, seed.AMIRA).locator(".menu-button").click()

    # The organiser invites everyone to the upcoming meeting.
    say(page, seed.ORGANISER, "/invite")
    tap(page, seed.ORGANISER, "Taalcafé")
    tap(page, seed.ORGANISER, nl.gettext("Everyone in the community"))
    tap(page, seed.ORGANISER, nl.gettext("Send the invitations"))

    # Amira gets the invitation from the outbox, in Arabic, and says she is going.
    bot_says(page, seed.AMIRA, "مقهى اللغة")
    tap(page, seed.AMIRA, ar.gettext("Going"))
    question = ar.gettext("What would you like to put on the agenda?")
    bot_says(page, seed.AMIRA, question)
    say(page, seed.AMIRA, "التدرّب على المقابلات")
    bot_says(page, seed.AMIRA, ar.gettext("Where do you stand now?"))

    # The organiser sees her in the meeting's overview.
    say(page, seed.ORGANISER, "/meeting")
    tap(page, seed.ORGANISER, "Taalcafé")
    going = nl.gettext("Going: {going} · Maybe: {maybe} · Not going: {no}")
    bot_says(page, seed.ORGANISER, going.format(going=1, maybe=0, no=0))

    # The Arabic chat reads right to left, bubble by bubble; the Dutch one left to right.
    amira = phone(page, seed.AMIRA).locator(".bubble")
    assert amira.count() >= 4
    directions = amira.evaluate_all(
        "els => els.map(el => [el.getAttribute('dir'), getComputedStyle(el).direction])"
    )
    assert directions
    assert all(d == ["rtl", "rtl"] for d in directions), directions
    noor = phone(page, seed.NOOR).locator(".bubble.bot")
    assert set(noor.evaluate_all("els => els.map(el => getComputedStyle(el).direction)")) == {
        "ltr"
    }

    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    phone(page, seed.AMIRA).screenshot(path=str(ARTEFACTS / "arabic-chat.png"))
    page.screenshot(path=str(ARTEFACTS / "playground.png"))  # type: ignore[attr-defined]
    assert (ARTEFACTS / "arabic-chat.png").stat().st_size > 1000

    # Nothing left the machine: the browser asked loopback only, the bot connected nowhere.
    assert requests
    assert all(urlsplit(url).hostname == "127.0.0.1" for url in requests), requests
    assert all(ipaddress.ip_address(a[0]).is_loopback for a in running.connections)
    assert "sendMessage" in running.playground.api.calls


def test_a_person_added_in_the_page_can_start(visited: tuple[object, list[str]]) -> None:
    page, _ = visited
    form = page.locator("#add-person")  # type: ignore[attr-defined]
    form.locator("input[name=name]").fill("Hodan")
    form.locator("select[name=language]").select_option("so")
    form.locator("button[type=submit]").click()
    added = page.locator(".phone", has_text="Hodan")  # type: ignore[attr-defined]
    sync_api.expect(added).to_be_visible()
    sync_api.expect(added.locator("header")).to_contain_text("so")
    added.locator(".start").click()
    sync_api.expect(added.locator(".bubble.bot").last).to_contain_text("Soomaali")
