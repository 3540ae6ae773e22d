"""Members propose topics and support them: /propose, the invitation's "Suggest a topic",
"Make this a proposal" under a message to the community, /topics and the support buttons.

Every button is user input: the proposal, the meeting and the invitation are re-checked in
the database on each tap; a refusal changes nothing and is audited.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from telegram import Message, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.channels.telegram import callbacks
from bot.channels.telegram.context import SamenContext
from bot.channels.telegram.handlers.common import (
    PRIVATE_MESSAGES,
    neutral,
    require_consent,
    retire_buttons,
    step_choice,
    voice_seconds,
)
from bot.channels.telegram.handlers.router import Router
from bot.channels.telegram.views import proposals as views
from bot.i18n import Translator, find_language
from bot.services import members, proposals
from bot.services.dialogs import Dialog
from bot.services.members import privacy
from bot.services.proposals import (
    Begun,
    ProposalError,
    Topic,
    notices,
    questions,
    supports,
    translations,
)

if TYPE_CHECKING:
    from bot.db.models import Member


def topic_of(message: Message) -> Topic:
    if message.voice is not None:
        return Topic(message.caption, message.voice.file_id, voice_seconds(message.voice))
    if message.text is not None:
        return Topic(message.text)
    return Topic(other=True)


async def _show(context: SamenContext, chat_id: int, t: Translator, begun: Begun) -> None:
    if begun.proposed is not None:
        await context.bot.send_message(
            chat_id, views.thanks(t, begun.proposed.title, duplicate=begun.proposed.duplicate)
        )
        return
    if begun.dialog is None:
        await context.bot.send_message(chat_id, views.problem(t, "no_meeting"))
        return
    if begun.options:
        text, markup = views.choose_meeting(t, begun.dialog, begun.options)
        await context.bot.send_message(chat_id, text, reply_markup=markup)
        return
    await context.bot.send_message(chat_id, views.ask_topic(t, begun.title))


async def _begin(
    update: Update,
    context: SamenContext,
    chat_id: int,
    *,
    meeting_id: int | None = None,
    message_id: int | None = None,
) -> None:
    now = context.runtime.clock()
    problem = None
    async with context.work() as session:
        assert context.member is not None
        try:
            begun = await proposals.begin(
                session, context.member, now=now, meeting_id=meeting_id, message_id=message_id
            )
        except ProposalError as error:
            problem = error.code
            await proposals.refuse(
                session,
                problem,
                now=now,
                actor_user_id=chat_id,
                target=f"meeting:{meeting_id}" if meeting_id else f"message:{message_id}",
            )
        else:
            if begun.proposed is not None and not begun.proposed.duplicate:
                community_id = begun.proposed.proposal.community_id
                await notices.queue_due(session, now=now, community_ids=[community_id])
    if problem is not None:
        await context.bot.send_message(chat_id, views.problem(context.t, problem))
        return
    await _show(context, chat_id, context.t, begun)


async def propose_command(update: Update, context: SamenContext) -> None:
    """/propose: ask for a topic for the member's upcoming meeting (or which one)."""
    message, member = update.effective_message, context.member
    if message is None:
        return
    if not members.consent_is_current(member, privacy.current_notice_version()):
        await require_consent(update, context, member)
        return
    await _begin(update, context, message.chat_id)


async def suggest(context: SamenContext, update: Update, chat_id: int, meeting_id: int) -> None:
    """The invitation's "Suggest a topic" (the caller checked consent)."""
    await _begin(update, context, chat_id, meeting_id=meeting_id)


async def make(update: Update, context: SamenContext) -> None:
    """ "Make this a proposal" under the member's message to their community."""
    query, member = update.callback_query, context.member
    if query is None:
        return
    decoded = callbacks.decode(query.data)
    if not isinstance(decoded, callbacks.MessageToProposal):
        await neutral(query, context.t)
        return
    if not members.consent_is_current(member, privacy.current_notice_version()):
        await query.answer()
        await require_consent(update, context, member)
        return
    await query.answer()
    await retire_buttons(query)
    await _begin(update, context, query.from_user.id, message_id=decoded.message_id)


async def choose(update: Update, context: SamenContext) -> None:
    """The meeting a topic is for: a button of the CHOOSE step."""
    query = update.callback_query
    if query is None:
        return
    found = step_choice(context, query.data, proposals.FLOW)
    if found is not None and found[1].step == translations.LANGUAGE:
        await _translation_language(update, context, *found)
        return
    if found is None or not found[2][1:].isdigit() or len(found[2]) > 20:
        await neutral(query, context.t)
        return
    member, dialog, choice = found
    now = context.runtime.clock()
    problem = None
    async with context.work() as session:
        try:
            begun = await proposals.choose(session, member, dialog, int(choice[1:]), now=now)
        except ProposalError as error:
            problem = error.code
            await proposals.refuse(
                session, problem, now=now, actor_user_id=query.from_user.id, target=choice
            )
        else:
            if begun.proposed is not None and not begun.proposed.duplicate:
                community_id = begun.proposed.proposal.community_id
                await notices.queue_due(session, now=now, community_ids=[community_id])
    await query.answer()
    if problem is not None:
        await context.bot.send_message(query.from_user.id, views.problem(context.t, problem))
        return
    await retire_buttons(query)
    await _show(context, query.from_user.id, context.t, begun)


async def on_message(update: Update, context: SamenContext) -> None:
    """The topic, typed or spoken; anything else gets a translated re-prompt."""
    message, dialog, t = update.effective_message, context.dialog, context.t
    assert message is not None
    assert dialog is not None
    if dialog.step == questions.QUESTION:
        await _question_message(update, context)
        return
    if dialog.step == translations.TEXT:
        await _translation_message(update, context)
        return
    if dialog.step != proposals.TOPIC:
        await message.reply_text(t.gettext("Please choose with the buttons."))
        return
    now = context.runtime.clock()
    problem = None
    async with context.work() as session:
        member = context.member
        assert member is not None
        try:
            proposed = await proposals.submit(session, member, dialog, topic_of(message), now=now)
        except ProposalError as error:
            problem = error.code
        else:
            if not proposed.duplicate:
                await notices.queue_due(
                    session, now=now, community_ids=[proposed.proposal.community_id]
                )
    if problem is not None:
        # Nothing was kept; the member is still at the same step and can try again.
        await message.reply_text(views.problem(t, problem))
        return
    await message.reply_text(views.thanks(t, proposed.title, duplicate=proposed.duplicate))


# --- a question for the community's check-in ----------------------------------------------------


async def question_command(update: Update, context: SamenContext) -> None:
    """/question: propose a question the community asks itself in the long-term check-in."""
    message, member = update.effective_message, context.member
    if message is None:
        return
    if not members.consent_is_current(member, privacy.current_notice_version()):
        await require_consent(update, context, member)
        return
    async with context.work() as session:
        assert context.member is not None
        asked = await questions.begin(session, context.member, now=context.runtime.clock())
    t = context.t
    if asked.community is None:
        await message.reply_text(
            t.gettext(
                "You have not joined a community yet. Open the link or scan the QR code you "
                "got from your organisation."
            )
        )
        return
    await message.reply_text(views.ask_question(t, asked.community.name))


async def _question_message(update: Update, context: SamenContext) -> None:
    message, dialog, t = update.effective_message, context.dialog, context.t
    assert message is not None
    assert dialog is not None
    now = context.runtime.clock()
    problem = None
    async with context.work() as session:
        assert context.member is not None
        try:
            kept = await questions.submit(
                session, context.member, dialog, topic_of(message), now=now
            )
        except ProposalError as error:
            problem = error.code
        else:
            if not kept.duplicate:
                await notices.queue_due(
                    session, now=now, community_ids=[kept.proposal.community_id]
                )
    if problem is not None:
        await message.reply_text(
            views.problem(t, "question_text" if problem == "not_text" else problem)
        )
        return
    await message.reply_text(views.question_thanks(t, duplicate=kept.duplicate))


# --- the proposer translates their topic --------------------------------------------------------


async def _translation_language(
    update: Update, context: SamenContext, member: Member, dialog: Dialog, choice: str
) -> None:
    query = update.callback_query
    assert query is not None
    now = context.runtime.clock()
    t = context.t
    problem = None
    async with context.work() as session:
        try:
            dialog = await translations.choose_language(
                session, member, dialog, choice[1:], now=now
            )
        except ProposalError as error:
            problem = error.code
            await proposals.refuse(
                session, problem, now=now, actor_user_id=query.from_user.id, target=choice
            )
    if problem is not None:
        await neutral(query, t)
        return
    await query.answer()
    await retire_buttons(query)
    language = find_language(str(dialog.data["locale"]))
    await context.bot.send_message(
        query.from_user.id,
        t.gettext(
            "Type the topic in {language}.",
            language=t.isolate(language.native_name if language else ""),
        ),
    )


async def _translation_message(update: Update, context: SamenContext) -> None:
    message, dialog, t = update.effective_message, context.dialog, context.t
    assert message is not None
    assert dialog is not None
    problem = None
    async with context.work() as session:
        assert context.member is not None
        try:
            await translations.save(
                session, context.member, dialog, topic_of(message), now=context.runtime.clock()
            )
        except ProposalError as error:
            problem = error.code
    if problem is not None:
        await message.reply_text(views.problem(t, problem))
        return
    await message.reply_text(t.gettext("Saved. Members who read that language will see it."))


# --- supporting ---------------------------------------------------------------------------------


async def topics_command(update: Update, context: SamenContext) -> None:
    """/topics: the topics to support for each upcoming meeting the member is invited to."""
    message, member = update.effective_message, context.member
    if message is None:
        return
    if not members.consent_is_current(member, privacy.current_notice_version()):
        await require_consent(update, context, member)
        return
    now = context.runtime.clock()
    async with context.work() as session:
        assert context.member is not None
        ballots = []
        for meeting in await proposals.open_meetings(session, context.member, now=now):
            ballot = await supports.ballot(session, context.member, meeting.id, now=now)
            if ballot is not None and ballot.items:
                ballots.append(ballot)
    t = context.t
    if not ballots:
        await message.reply_text(views.problem(t, "no_topics"))
        return
    for ballot in ballots:
        rows = views.ballot_buttons(t, ballot)
        await message.reply_text(views.ballot_text(t, ballot), reply_markup=views.markup(rows))


async def on_support(update: Update, context: SamenContext) -> None:
    """A support button (or Listen) on a list of topics."""
    query, member, t = update.callback_query, context.member, context.t
    if query is None:
        return
    decoded = callbacks.decode(query.data)
    if not isinstance(decoded, callbacks.SupportAction):
        await neutral(query, t)
        return
    if not members.consent_is_current(member, privacy.current_notice_version()):
        await query.answer()
        await require_consent(update, context, member)
        return
    now = context.runtime.clock()
    problem = None
    ballot = None
    voice = None
    async with context.work() as session:
        assert context.member is not None
        try:
            if decoded.action == "translate":
                dialog, own = await translations.begin(
                    session, context.member, decoded.proposal_id, now=now
                )
            elif decoded.action == "listen":
                voice = await supports.voice_of(session, context.member, decoded.proposal_id)
            else:
                toggled = await supports.toggle(
                    session, context.member, decoded.proposal_id, now=now
                )
                ballot = await supports.ballot(
                    session, context.member, toggled.meeting_id, now=now
                )
        except ProposalError as error:
            problem = error.code
            await proposals.refuse(
                session,
                problem,
                now=now,
                actor_user_id=query.from_user.id,
                target=f"proposal:{decoded.proposal_id}",
            )
    if problem is not None:
        await query.answer(views.problem(t, problem), show_alert=True)
        return
    if decoded.action == "translate":
        await query.answer()
        await context.bot.send_message(
            query.from_user.id,
            t.gettext("Which language do you want to add?"),
            reply_markup=views.own_language_buttons(own, dialog),
        )
        return
    await query.answer(t.gettext("Saved.") if ballot is not None else None)
    if voice is not None:
        await context.bot.send_voice(query.from_user.id, voice)
        return
    if ballot is not None and query.message is not None:
        await query.edit_message_text(
            views.ballot_text(t, ballot),
            reply_markup=views.markup(views.ballot_buttons(t, ballot)),
        )


def register(app: Application[Any, Any, Any, Any, Any, Any], router: Router) -> None:
    app.add_handler(CommandHandler("propose", propose_command, filters=PRIVATE_MESSAGES))
    app.add_handler(CommandHandler("topics", topics_command, filters=PRIVATE_MESSAGES))
    app.add_handler(CommandHandler("question", question_command, filters=PRIVATE_MESSAGES))
    app.add_handler(CallbackQueryHandler(choose, pattern=rf"^{proposals.FLOW}:"))
    app.add_handler(CallbackQueryHandler(make, pattern=r"^mkp:"))
    app.add_handler(CallbackQueryHandler(on_support, pattern=r"^sup:"))
    router.register(proposals.FLOW, on_message, needs_consent=True)
