"""/mydata shows a member's own answers, stories and replies as text in the chat, grouped per
meeting and split where Telegram's limit would cut them; the JSON file is still attached."""

from __future__ import annotations

from datetime import datetime

from bot.db.models import QuestionKind
from bot.services import meetings
from bot.services.intake.questions import QuestionDraft
from bot.services.meetings import invitations
from bot.services.meetings.invitations import Audience
from tests.factories import Person
from tests.harness import BotHarness, json_document
from tests.meeting_support import AGENDA, MOMENT, deliver, make_meeting
from tests.outbox_support import make_community

HELP = QuestionDraft(
    QuestionKind.YES_NO, {"nl": "Wil je helpen met koken?", "uk": "Чи хочете ви допомогти?"}
)
STAND = QuestionDraft(QuestionKind.TEXT, {"nl": "Waar sta je nu?", "uk": "Де ви зараз?"})


async def test_answers_and_replies_per_meeting_in_the_members_language(bot: BotHarness) -> None:
    runtime = bot.runtime
    people = await make_community(runtime, locales=["uk"], first_user_id=980_000_001)
    olena = Person(people.user_ids[0], "Olena", "uk")
    uk = runtime.catalogs.translator("uk")
    first = await make_meeting(runtime, people.community_id, questions=(AGENDA, STAND, HELP))
    later = await make_meeting(
        runtime, people.community_id, questions=(MOMENT,), starts=datetime(2026, 12, 12, 14, 0)
    )
    async with runtime.sessions() as session:
        for meeting in (first, later):
            fresh = await meetings.get(session, meeting.id)
            await invitations.invite(session, fresh, Audience(), now=runtime.clock())
        await session.commit()
    await deliver(runtime, bot.api)

    # The first meeting: Going, two long answers and a yes.
    long_one = "Житло. " * 450  # about 3,150 characters
    long_two = "Робота і мова. " * 200  # about 3,000 characters
    invitation_first = bot.screen(olena)[0][0]
    await bot.press(olena, f"mtg:{first.id}:going", message_id=invitation_first)
    await bot.say(olena, long_one)
    await bot.say(olena, long_two)
    await bot.tap(olena, uk.gettext("Yes"))
    # The later meeting: only a Maybe.
    await bot.press(olena, f"mtg:{later.id}:maybe")
    await bot.tap(olena, uk.gettext("Continue later"))

    calls = await bot.feed(bot.updates.text(olena, "/mydata"))
    methods = [c.method for c in calls]
    assert methods[-1] == "sendDocument"
    assert set(methods[:-1]) == {"sendMessage"}
    assert all(len(c.text or "") <= 4096 for c in calls[:-1])
    readable = [c.text or "" for c in calls[1:-1]]
    # The first meeting took two messages (split), the later one one.
    assert len(readable) == 3
    assert readable[0].startswith("Samen koken — ")
    assert uk.gettext("Your reply: {answer}", answer=uk.gettext("Going")) in readable[0]
    assert "• Wat wil je op de agenda zetten?" in readable[0]  # no Ukrainian prompt: Dutch
    assert long_one.strip() in readable[0]
    joined = "\n".join(readable[:2])
    assert "• Де ви зараз?" in joined
    assert long_two.strip() in joined
    assert readable[1].endswith(f"• Чи хочете ви допомогти?\n{uk.gettext('Yes')}")
    assert readable[2].splitlines()[:2] == [
        "Samen koken — "
        + uk.gettext(
            "{date} at {time}",
            date=uk.fmt_date(later.starts_at, "full"),
            time=uk.fmt_time(later.starts_at),
        ),
        uk.gettext("Your reply: {answer}", answer=uk.gettext("Maybe")),
    ]
    document = json_document(calls[-1])
    assert [a["text"] for a in document["answers"]] == [long_one.strip(), long_two.strip(), "yes"]
