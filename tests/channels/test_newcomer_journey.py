"""The whole newcomer journey, turn by turn, in Dutch, Arabic, Tigrinya and Ukrainian:
join via a link → language → consent → profile → a text and a voice story → /mydata →
/delete; afterwards no table holds anything that identifies the member."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from bot.channels.telegram.views.prompts import TOPIC_LABELS
from bot.db.base import Base
from bot.db.models import Answer, AnswerSource, AuditEvent, Member, QuestionKind
from bot.i18n import LANGUAGES, Language, Translator, find_language
from bot.services.members import privacy
from bot.services.members.profiles import LEARN_TOPICS
from tests.factories import AMIRA, DAWIT, OLENA, SANNE, Person, create_community
from tests.harness import BotHarness, Reply, Say, Tap, Turn, Voice, json_document

CODE = "buurt-oost-4f9k"
COMMUNITY = "Invented Buurtkamer Oost"
# Every answer the bot gives after the language is chosen is in that language's script.
SCRIPTS = {
    "nl": re.compile(r"[A-Za-z]"),
    "ar": re.compile(r"[\u0600-\u06FF]"),
    "ti": re.compile(r"[\u1200-\u137F]"),
    "uk": re.compile(r"[\u0400-\u04FF]"),
}


@dataclass(frozen=True)
class Story:
    person: Person
    text: str
    offer: str
    municipality: str
    voice_file_id: str


# Invented people and invented stories.
STORIES = [
    Story(
        SANNE,
        "Ik zoek al maanden een stageplek als verpleegkundige in Zwolle-Zuid.",
        "Ik kan goed Surinaams koken",
        "Zwolle",
        "voice-sanne-AwACAgQ1",
    ),
    Story(
        AMIRA,
        "أبحث عن دورة لتعلم اللغة الهولندية في المساء بعد العمل.",
        "أستطيع الترجمة من العربية",
        "Amersfoort",
        "voice-amira-AwACAgQ2",
    ),
    Story(
        DAWIT,
        "ንደቀይ ቤት ትምህርቲ ምርካብ ከቢድ ኮይኑ ኣሎ።",
        "ክሕግዝ ይኽእል እየ ኣብ ምጽጋን ብሽክለታ",
        "Assen",
        "voice-dawit-AwACAgQ3",
    ),
    Story(
        OLENA,
        "Я шукаю лікаря, який розмовляє українською або англійською.",
        "Можу навчати математики",
        "Deventer",
        "voice-olena-AwACAgQ4",
    ),
]


def reads_of(story: Story) -> tuple[Language, Language]:
    """The two other languages the member says they read: English and Arabic (Dutch and
    English for the Arabic reader)."""
    own = story.person.language_code
    tags = ["nl", "en"] if own == "ar" else ["en", "ar"]
    found = [find_language(tag) for tag in tags]
    first, second = found
    assert first is not None
    assert second is not None
    return first, second


def journey(t: Translator, story: Story) -> list[Turn]:
    person = story.person
    language = find_language(person.language_code)
    assert language is not None
    names = [("✓ " if lang.tag == language.tag else "") + lang.native_name for lang in LANGUAGES]
    greeting = t.gettext(
        "Welcome to Samen, {name}! Together with your community you can share what "
        "matters to you, hear about meetings and help shape them.",
        name=person.first_name,
    )
    learn_labels = [t.gettext(TOPIC_LABELS[topic]) for topic in LEARN_TOPICS]
    first_read, second_read = reads_of(story)
    dutch, work = learn_labels[0], learn_labels[1]
    done, skip = t.gettext("Done"), t.gettext("Skip")
    share_prompt = t.gettext(
        "Tell us your story: write a message or send a voice message. It goes to {community}.",
        community=COMMUNITY,
    )
    return [
        Turn(
            Say(f"/start {CODE}"),
            [
                Reply(
                    contains=[
                        greeting,
                        t.gettext("You are joining {community}.", community=COMMUNITY),
                        t.gettext("Which language would you like me to use? Tap it below."),
                    ],
                    buttons=names,
                )
            ],
        ),
        Turn(
            Tap(f"✓ {language.native_name}"),
            [
                Reply(
                    contains=[
                        t.gettext(
                            "Thank you! I will write to you in {language}.",
                            language=language.native_name,
                        ),
                        "/mydata",
                        "/delete",
                    ],
                    buttons=[t.gettext("Yes, I agree"), t.gettext("Not now")],
                )
            ],
        ),
        Turn(
            Tap(t.gettext("Yes, I agree")),
            [
                Reply(
                    contains=[
                        t.gettext(
                            "Thank you! You are now a member of {community}.",
                            community=COMMUNITY,
                        ),
                        t.gettext(
                            "What would you like to learn or get help with? Tap one or more, "
                            "or write it in your own words. Then tap Done."
                        ),
                    ],
                    buttons=[*learn_labels, done, skip],
                )
            ],
        ),
        # Choosing topics changes the buttons in place; nothing new is said.
        Turn(Tap(dutch), []),
        Turn(Tap(work), []),
        Turn(Tap(f"✓ {work}"), []),
        Turn(
            Tap(done),
            [
                Reply(
                    text=t.gettext(
                        "What could you help others with? Tap one or more, or write it in "
                        "your own words. Then tap Done."
                    )
                )
            ],
        ),
        Turn(
            Say(story.offer),
            [
                Reply(
                    text=t.gettext(
                        "In which municipality do you live? Write its name, or tap Skip."
                    ),
                    buttons=[skip],
                )
            ],
        ),
        Turn(
            Say(story.municipality),
            [
                Reply(
                    text=t.gettext(
                        "Which other languages can you read? When something is not written in "
                        "your language, I will show it in these. Tap them in the order you "
                        "prefer, then tap Done."
                    ),
                    # Every other language in its own name, then Done and Skip.
                    buttons=[
                        *(lang.native_name for lang in LANGUAGES if lang.tag != language.tag),
                        done,
                        skip,
                    ],
                )
            ],
        ),
        # The order they are tapped in is the order they are tried; the buttons say it.
        Turn(Tap(first_read.native_name), []),
        Turn(Tap(second_read.native_name), []),
        Turn(Tap(f"✓ 1. {first_read.native_name}"), []),
        Turn(Tap(first_read.native_name), []),
        Turn(
            Tap(done),
            [
                t.gettext(
                    "Thank you! Your profile is saved. You can share your story at any time "
                    "with /share. Send /help to see everything you can do."
                )
            ],
        ),
        Turn(Say("/share"), [share_prompt]),
        Turn(
            Say(story.text),
            [
                t.gettext(
                    "Thank you for sharing your story! It helps {community} to understand "
                    "what matters to you.",
                    community=COMMUNITY,
                )
            ],
        ),
        Turn(Say("/share"), [share_prompt]),
        Turn(
            Voice(duration=34, file_id=story.voice_file_id),
            [
                t.gettext(
                    "Thank you for your voice message! {community} will listen to it.",
                    community=COMMUNITY,
                )
            ],
        ),
        Turn(
            Say("/mydata"),
            [
                Reply(
                    contains=[
                        t.gettext("This is everything Samen stores about you:"),
                        t.ngettext("You shared {count} story.", "You shared {count} stories.", 2),
                        t.isolate(dutch),
                        story.offer,
                        story.municipality,
                        t.gettext(
                            "Other languages you read: {languages}",
                            languages=t.fmt_list(
                                [second_read.native_name, first_read.native_name]
                            ),
                        ),
                    ]
                ),
                # The stories in full, readable in the chat, then the whole file.
                Reply(
                    contains=[
                        t.ngettext("You shared {count} story.", "You shared {count} stories.", 2),
                        story.text,
                    ]
                ),
                Reply(document="samen-my-data.json"),
            ],
        ),
        Turn(
            Say("/delete"),
            [
                Reply(
                    text=t.gettext(
                        "Do you really want to delete everything Samen stores about you? Your "
                        "profile, stories and answers will be gone for ever, and you will leave "
                        "your communities. This cannot be undone."
                    ),
                    buttons=[t.gettext("Yes, delete everything"), t.gettext("No, keep it")],
                )
            ],
        ),
        Turn(
            Tap(t.gettext("Yes, delete everything")),
            [
                t.gettext(
                    "Everything about you has been deleted. Thank you for being part of "
                    "Samen. You can come back at any time with a new link."
                )
            ],
        ),
    ]


@pytest.mark.parametrize("story", STORIES, ids=lambda s: s.person.language_code)
async def test_the_whole_journey_in_the_members_language(bot: BotHarness, story: Story) -> None:
    await create_community(bot.runtime, name=COMMUNITY, code=CODE)
    person = story.person
    t = bot.runtime.catalogs.translator(person.language_code)
    answered = await bot.transcript(person, journey(t, story))

    # Everything after the language choice is in the member's script, not in English.
    script = SCRIPTS[t.tag]
    for calls in answered[1:]:
        for call in calls:
            if call.method == "sendMessage":
                letters = [c for c in call.text or "" if c.isalpha()]
                in_script = sum(1 for c in letters if script.match(c))
                assert in_script > len(letters) / 2, call.text

    # The JSON document has everything, including what the message only summarises.
    mydata = answered[18]
    document = json_document(mydata[2])
    assert document["telegram_user_id"] == person.id
    assert document["locale"] == t.tag
    assert document["consent_version"] == privacy.NOTICE_VERSION
    assert document["learn_topics"] == ["dutch"]
    assert document["offer_text"] == story.offer
    assert document["municipality"] == story.municipality
    # Tapped English, then Arabic, then English off and on again: Arabic first now.
    first_read, second_read = reads_of(story)
    assert document["reads_locales"] == [second_read.tag, first_read.tag]
    assert [s["text"] for s in document["stories"]] == [story.text, None]
    assert document["stories"][1]["voice_file_id"] == story.voice_file_id
    assert document["stories"][1]["voice_duration"] == 34
    assert document["communities"][0]["community"] == COMMUNITY

    await assert_nothing_identifies(bot, story)


async def test_stories_are_stored_with_type_language_time_and_voice_reference(
    bot: BotHarness,
) -> None:
    story = STORIES[1]
    await create_community(bot.runtime, name=COMMUNITY, code=CODE)
    t = bot.runtime.catalogs.translator("ar")
    turns = journey(t, story)[:18]  # up to and including the voice story
    await bot.transcript(story.person, turns)
    async with bot.runtime.sessions() as session:
        answers = (await session.scalars(select(Answer).order_by(Answer.id))).all()
    assert [(a.source, a.kind, a.locale) for a in answers] == [
        (AnswerSource.STORY, QuestionKind.TEXT, "ar"),
        (AnswerSource.STORY, QuestionKind.VOICE, "ar"),
    ]
    assert answers[0].text == story.text
    assert answers[1].voice_file_id == story.voice_file_id
    assert answers[1].voice_duration == 34
    assert answers[1].text is None
    assert all(a.created_at == bot.runtime.clock() for a in answers)


async def assert_nothing_identifies(bot: BotHarness, story: Story) -> None:
    """Scan every row of every table for the member's id, file id and words."""
    needles = [
        str(story.person.id),
        story.voice_file_id,
        story.text,
        story.offer,
        story.municipality,
    ]
    found = []
    async with bot.runtime.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            for row in (await conn.execute(table.select())).mappings():
                flat = json.dumps({k: str(v) for k, v in row.items()}, ensure_ascii=False)
                found += [(table.name, needle) for needle in needles if needle in flat]
    assert found == [], f"erasure left identifying data behind: {found}"
    async with bot.runtime.sessions() as session:
        assert (await session.scalars(select(Member))).all() == []
        erased = (
            await session.scalars(select(AuditEvent).where(AuditEvent.action == "member.erase"))
        ).all()
    assert len(erased) == 1
    assert erased[0].actor_user_id is None
    assert erased[0].target is None
    assert erased[0].details["stories"] == 2
    assert erased[0].details["members"] == 1
    assert erased[0].details["memberships"] == 1
