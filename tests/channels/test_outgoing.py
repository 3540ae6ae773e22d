"""Outbox messages are rendered in each recipient's language when they are sent."""

from __future__ import annotations

from bot.channels.telegram.outbox.outgoing import Button, Document, Outgoing
from bot.channels.telegram.outbox.sender import plan
from bot.channels.telegram.outbox.splitting import TextEntity
from bot.channels.telegram.renderers import build_renderers
from bot.i18n.translator import FSI, PDI
from bot.runtime import Runtime
from bot.services.outbox import announcements
from tests.fakes.bot_api import FakeBotAPI
from tests.outbox_support import make_community, make_dispatcher


async def send_announcement(runtime: Runtime, fake_api: FakeBotAPI, texts: dict, source: str):
    async with runtime.sessions() as session:
        await announcements.announce(
            session,
            community_code="utrecht",
            texts=texts,
            source_locale=source,
            now=runtime.clock(),
        )
    dispatcher, channel, _ = make_dispatcher(runtime, fake_api)
    await channel.start()
    await dispatcher.run_once()
    await channel.stop()


async def test_each_member_reads_the_announcement_in_the_best_language_there_is(
    runtime: Runtime, fake_api: FakeBotAPI
) -> None:
    people = await make_community(
        runtime, locales=["ar", "uk", "fa-AF", None], default_locale="nl", name="Buurthuis"
    )
    texts = {
        "nl": "Zaterdag koken we samen.",
        "ar": "يوم السبت نطبخ معًا.",
        "fa": "شنبه با هم آشپزی.",
    }
    await send_announcement(runtime, fake_api, texts, source="ar")
    arabic, ukrainian, dari, unknown = (fake_api.sent(uid)[0] for uid in people.user_ids)
    # Arabic: header in Arabic (the name isolated in right-to-left text), the Arabic text.
    assert arabic.text == f"رسالة من {FSI}Buurthuis{PDI}\n\nيوم السبت نطبخ معًا."
    # Ukrainian: no Ukrainian text, so the community's language; the header is Ukrainian.
    assert ukrainian.text == "Повідомлення від Buurthuis\n\nZaterdag koken we samen."
    # Dari falls back to the Farsi text before the community's language.
    assert dari.text is not None
    assert dari.text.endswith("شنبه با هم آشپزی.")
    # No language known: the community's default.
    assert unknown.text == "Bericht van Buurthuis\n\nZaterdag koken we samen."
    # The header is bold, measured in UTF-16 units.
    assert arabic.params["entities"] == [
        {"type": "bold", "offset": 0, "length": len(f"رسالة من {FSI}Buurthuis{PDI}")}
    ]


async def test_the_language_it_was_written_in_is_the_last_fallback(
    runtime: Runtime, fake_api: FakeBotAPI
) -> None:
    people = await make_community(runtime, locales=["ti"], default_locale="nl")
    await send_announcement(runtime, fake_api, {"en": "We cook together."}, source="en")
    (call,) = fake_api.sent(people.user_ids[0])
    assert call.text is not None
    assert call.text.startswith("መልእኽቲ ካብ")
    assert call.text.endswith("We cook together.")


async def test_a_long_announcement_arrives_in_parts_in_order(
    runtime: Runtime, fake_api: FakeBotAPI
) -> None:
    people = await make_community(runtime, locales=["ar"], default_locale="ar")
    sentence = "مَرْحَبًا يا أصدقاء 👍🏽 نلتقي يوم السبت 🇳🇱. "
    body = (sentence * 250).strip()
    await send_announcement(runtime, fake_api, {"ar": body}, source="ar")
    texts = fake_api.texts(people.user_ids[0])
    assert len(texts) == 3
    assert all(len(t.encode("utf-16-le")) // 2 <= 4096 for t in texts)
    joined = "".join(texts).replace(" ", "").replace("\n", "")
    assert joined.endswith(body.replace(" ", ""))


def test_buttons_go_on_the_last_part_and_a_document_comes_last() -> None:
    outgoing = Outgoing(
        text="x " * 3000,
        entities=(TextEntity("italic", 0, 1),),
        buttons=((Button("Ja", "rsvp:1:yes"), Button("Nee", "rsvp:1:no")),),
        document=Document("agenda.pdf", b"%PDF-1.4", caption="Agenda"),
    )
    parts = plan(outgoing)
    assert [p.document is not None for p in parts] == [False, False, True]
    assert [p.markup is not None for p in parts] == [False, False, True]
    assert parts[0].entities == (TextEntity("italic", 0, 1),)
    assert parts[2].text == "Agenda"


def test_every_renderer_kind_is_registered_once() -> None:
    renderers = build_renderers()
    assert announcements.KIND in renderers
