"""The demo community, made through the services as the bot and `samen` would make it.

Everyone in it is invented. The organiser and coordinator hold their roles; Amira (Arabic,
right to left), Dawit (Tigrinya) and Olena (Ukrainian) joined earlier and agreed to the
privacy notice; Noor (Dutch) has not started yet, so the page can show a first visit. There
is an upcoming meeting with questions (not yet announced: inviting is the organiser's to
try) and a past meeting that members answered questions for.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Member, QuestionKind, Role
from bot.i18n import Catalogs
from bot.playground.people import FIRST_ID, Person
from bot.runtime import Runtime
from bot.services import communities, dialogs, intake, meetings, members
from bot.services.communities import roles
from bot.services.intake.questions import DEFAULT_AFTER, Given, QuestionDraft, default_drafts
from bot.services.meetings import MeetingDraft, TextDraft
from bot.services.members import privacy

COMMUNITY_CODE = "playground-demo"
COMMUNITY_NAME = "Buurtkamer De Linde (playground)"
TIME_ZONE = "Europe/Amsterdam"

ORGANISER = Person(FIRST_ID, "Fenna", "nl", "organiser")
COORDINATOR = Person(FIRST_ID + 1, "Joris", "en", "coordinator")
NOOR = Person(FIRST_ID + 2, "Noor", "nl")
AMIRA = Person(FIRST_ID + 3, "Amira", "ar")
DAWIT = Person(FIRST_ID + 4, "Dawit", "ti")
OLENA = Person(FIRST_ID + 5, "Olena", "uk")
CAST = (ORGANISER, COORDINATOR, NOOR, AMIRA, DAWIT, OLENA)
# Noor starts from nothing; everyone else joined before the playground opened.
JOINED = (ORGANISER, COORDINATOR, AMIRA, DAWIT, OLENA)

UPCOMING_TEXTS = {
    "nl": TextDraft(
        "Taalcafé: samen Nederlands oefenen",
        "Koffie, thee en oefenen met praten. Iedereen is welkom.",
        "Buurtkamer De Linde, Lindestraat 12",
    ),
    "ar": TextDraft(
        "مقهى اللغة: نتدرّب معًا على الهولندية",
        "قهوة وشاي وتمرين على الكلام. الجميع مرحّب بهم.",
        "Buurtkamer De Linde, Lindestraat 12",
    ),
    "uk": TextDraft(
        "Мовне кафе: разом практикуємо нідерландську",
        "Кава, чай і розмовна практика. Ласкаво просимо всіх.",
        "Buurtkamer De Linde, Lindestraat 12",
    ),
    "ti": TextDraft(
        "ቋንቋ ካፈ፡ ብሓባር ሆላንድኛ ንለማመድ",
        "ቡን፡ ሻሂን ልምምድ ዘረባን። ኩሉ ሰብ እንቋዕ ብደሓን መጻእኩም።",
        "Buurtkamer De Linde, Lindestraat 12",
    ),
}
PAST_TEXTS = {
    "nl": TextDraft("Werk zoeken in de buurt", "Tips van buren en van het werkplein."),
    "ar": TextDraft("البحث عن عمل في الحي", "نصائح من الجيران ومن مكتب العمل."),
}
CHILDCARE = QuestionDraft(
    kind=QuestionKind.YES_NO,
    prompts={
        "nl": "Heb je kinderopvang nodig tijdens het taalcafé?",
        "en": "Do you need childcare during the language café?",
        "ar": "هل تحتاج إلى رعاية للأطفال أثناء مقهى اللغة؟",
        "uk": "Чи потрібен вам догляд за дітьми під час мовного кафе?",
        "ti": "ኣብ እዋን ቋንቋ ካፈ ሓለዋ ቆልዑ የድልየኩም ድዩ?",
    },
    source_locale="nl",
)
# What members said before the past meeting (invented).
PAST_ANSWERS = {
    AMIRA: ["كيف أكتب سيرة ذاتية بالهولندية", "أبحث عن عمل في مطبخ"],
    DAWIT: ["ስራሕ ኣብ መኽዘን"],
    OLENA: ["Як знайти стажування", "Я працювала бухгалтеркою"],
}


@dataclass(frozen=True)
class DemoWorld:
    community_id: int
    community_code: str
    upcoming_meeting_id: int
    past_meeting_id: int


def _local(moment: datetime, days: int, hour: int) -> datetime:
    """A local wall-clock time `days` from `moment`, naive, as organisers write it."""
    local = moment.astimezone(ZoneInfo(TIME_ZONE)) + timedelta(days=days)
    return local.replace(hour=hour, minute=0, second=0, microsecond=0, tzinfo=None)


async def _join(session: AsyncSession, person: Person, community_id: int, now: datetime) -> Member:
    member = await members.register_contact(
        session, person.user_id, person.language_code, "nl", now
    )
    await communities.join(session, member.id, community_id, now=now)
    await members.record_consent(session, member, privacy.current_notice_version(), now)
    await session.commit()
    return member


async def _answer_past(
    session: AsyncSession, member: Member, meeting_id: int, texts: list[str], now: datetime
) -> None:
    step = await intake.begin(session, member, now=now, meeting_id=meeting_id)
    if not isinstance(step, intake.Step):
        raise RuntimeError(f"the past meeting's questions are closed ({step})")
    for text in texts:
        dialog = await dialogs.get(session, member.id)
        assert dialog is not None
        await intake.answer(session, member, dialog, Given(text=text), now=now)
    dialog = await dialogs.get(session, member.id)
    if dialog is not None:
        await intake.later(session, member, dialog, now=now)
    await session.commit()


async def seed(runtime: Runtime, catalogs: Catalogs) -> DemoWorld:
    """Make the demo community; the clock's now is the playground's now."""
    now = runtime.clock()
    async with runtime.sessions() as session:
        community = await communities.create(
            session,
            name=COMMUNITY_NAME,
            default_locale="nl",
            time_zone=TIME_ZONE,
            code=COMMUNITY_CODE,
            now=now - timedelta(days=30),
        )
        await roles.grant(
            session,
            community_id=community.id,
            telegram_user_id=ORGANISER.user_id,
            role=Role.ORGANISER,
            now=now,
        )
        await roles.grant(
            session,
            community_id=community.id,
            telegram_user_id=COORDINATOR.user_id,
            role=Role.COORDINATOR,
            now=now,
        )
        await session.commit()
        joined = {
            person: await _join(session, person, community.id, now - timedelta(days=20))
            for person in JOINED
        }

        # The past meeting is made as it was, two weeks ago: a week before it took place.
        then = now - timedelta(days=14)
        past = await meetings.create(
            session,
            MeetingDraft(
                community_id=community.id,
                source_locale="nl",
                texts=PAST_TEXTS,
                starts_local=_local(then, 7, 19),
                time_zone=TIME_ZONE,
                questions=default_drafts(catalogs)[:2],
                created_by_user_id=ORGANISER.user_id,
            ),
            now=then,
        )
        await session.commit()
        for person, texts in PAST_ANSWERS.items():
            await _answer_past(session, joined[person], past.id, texts, then + timedelta(days=2))

        upcoming = await meetings.create(
            session,
            MeetingDraft(
                community_id=community.id,
                source_locale="nl",
                texts=UPCOMING_TEXTS,
                starts_local=_local(now, 3, 19),
                time_zone=TIME_ZONE,
                input_deadline_local=_local(now, 3, 12),
                questions=[*default_drafts(catalogs)[:2], CHILDCARE],
                followup_questions=default_drafts(catalogs, DEFAULT_AFTER),
                created_by_user_id=ORGANISER.user_id,
            ),
            now=now,
        )
        await session.commit()
        return DemoWorld(community.id, community.code, upcoming.id, past.id)
