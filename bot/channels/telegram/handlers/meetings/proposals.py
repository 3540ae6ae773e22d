"""Organisers decide about members' proposals from /meeting: the ranking with counts per
language group, accept / merge / decline (with a reason the member reads in their language),
put on the agenda, add a translation. An ambassador of the proposal's community may accept a
topic and add translations (they accept proposals with the organiser); merging, declining and
the agenda stay with organisers.

Every button names the proposal and its version: the role, the proposal's community and the
version are re-checked on each tap, so a stale or forged button changes nothing.
"""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.channels.telegram import callbacks
from bot.channels.telegram.context import SamenContext
from bot.channels.telegram.handlers.common import PRIVATE_MESSAGES, neutral, retire_buttons
from bot.channels.telegram.handlers.router import Router
from bot.channels.telegram.handlers.staff.guard import StaffAccess, require_staff
from bot.channels.telegram.views import proposals as views
from bot.channels.telegram.views import tasks as task_views
from bot.db.models import Meeting, Proposal, ProposalPurpose, ProposalStatus, Role
from bot.i18n import find_language
from bot.services import dialogs, meetings, proposals
from bot.services.dialogs import Dialog
from bot.services.proposals import Decision, ProposalError, questions, supports
from bot.services.translations import tasks as translation_tasks

# The organiser's dialogue while typing a translation.
TRANSLATE = "proposal_text"
# What an ambassador (`StaffAccess.also_ids`) may do with a topic of their community.
AMBASSADOR_ACTIONS = frozenset({"accept", "text", "lang"})


async def show(
    context: SamenContext, access: StaffAccess, meeting: Meeting, dialog: Dialog | None
) -> None:
    """The meeting's topics: the ranking, then each new proposal and each accepted one as a
    card with its buttons (a voice proposal is sent as the voice note itself). Without the
    organiser's /meeting dialogue (`dialog` None) it is an ambassador's view: no limit
    buttons, and only the buttons an ambassador may use."""
    t = access.t
    async with context.work() as session:
        title = (await meetings.text_in(session, meeting, t.tag)).title
        ranking = await supports.ranking(session, meeting, locale=t.tag)
        new = await proposals.of_meeting(session, meeting.id, [ProposalStatus.NEW])
        community_locale = await proposals.community_locale(session, meeting)
    await context.bot.send_message(
        access.user_id,
        views.ranking_text(t, meeting, title, ranking),
        reply_markup=views.limit_buttons(t, meeting, dialog) if dialog is not None else None,
    )
    cards = [(p, proposals.shown(p, t.tag, community_locale), 0, True) for p in new]
    cards += [(r.proposal, r.shown, r.supports, False) for r in ranking.items]
    if new:
        await context.bot.send_message(
            access.user_id,
            t.ngettext(
                "{count} new topic to decide about:",
                "{count} new topics to decide about:",
                len(new),
                count=t.fmt_number(len(new)),
            ),
        )
    for proposal, shown, count, is_new in cards:
        text = views.card_text(t, proposal, shown, supports=count)
        markup = (
            views.ambassador_card_buttons(t, proposal)
            if dialog is None
            else views.new_card_buttons(t, proposal)
            if is_new
            else views.accepted_card_buttons(t, proposal)
        )
        if proposal.voice_file_id:
            await context.bot.send_voice(
                access.user_id, proposal.voice_file_id, caption=text, reply_markup=markup
            )
        else:
            await context.bot.send_message(access.user_id, text, reply_markup=markup)


async def proposals_command(update: Update, context: SamenContext) -> None:
    """/proposals (ambassadors): the topics of their community's upcoming meetings, to accept
    with the organisers and to translate."""
    now = context.runtime.clock()
    async with context.work() as session:
        access = await require_staff(
            update, context, session, role=Role.AMBASSADOR, action="proposals"
        )
        if access is None:
            return
        upcoming = await meetings.upcoming(session, access.community_ids, now=now)
    if not upcoming:
        await context.bot.send_message(
            access.user_id,
            access.t.gettext("There is no upcoming meeting to propose a topic for."),
        )
    for meeting in upcoming:
        await show(context, access, meeting, None)


async def questions_command(update: Update, context: SamenContext) -> None:
    """/questions: the check-in questions members proposed, and the one asked now."""
    async with context.work() as session:
        access = await require_staff(
            update, context, session, role=Role.ORGANISER, action="questions"
        )
        if access is None:
            return
        t = access.t
        waiting = await questions.pending(session, access.community_ids)
        asked_now = [await questions.current(session, c) for c in access.community_ids]
        shown = [
            (p, proposals.shown(p, t.tag, await proposals.community_locale_of(session, p)))
            for p in waiting
        ]
    lines = []
    for question in asked_now:
        if question is not None:
            prompt = next(
                (x.prompt for x in question.texts if x.locale == t.tag),
                question.texts[0].prompt if question.texts else "",
            )
            lines.append(
                t.gettext(
                    "The check-in asks this member question now: {question}",
                    question=t.isolate(prompt),
                )
            )
    lines.append(
        t.ngettext(
            "{count} question proposed by members waits for you.",
            "{count} questions proposed by members wait for you.",
            len(waiting),
            count=t.fmt_number(len(waiting)),
        )
    )
    await context.bot.send_message(access.user_id, "\n".join(lines))
    for proposal, seen in shown:
        await context.bot.send_message(
            access.user_id,
            views.card_text(t, proposal, seen),
            reply_markup=views.question_card_buttons(t, proposal),
        )


def _refusal(t: Any, code: str) -> str:
    match code:
        case "bad_target":
            return t.gettext("These two topics cannot be merged.")
        case "not_accepted":
            return t.gettext("Only an accepted topic can go on the agenda.")
        case "started":
            return t.gettext("This meeting has already started; its topics can no longer change.")
        case "organisers_only":
            return t.gettext(
                "Only organisers can do this. Ambassadors can accept topics and add translations."
            )
    return t.gettext("This button is no longer active.")


async def on_button(update: Update, context: SamenContext) -> None:
    """A decision button on a proposal card: `prp:<id>:<action>:<version>[:<argument>]`."""
    query = update.callback_query
    if query is None:
        return
    decoded = callbacks.decode(query.data)
    now = context.runtime.clock()
    problem = None
    proposal: Proposal | None = None
    targets: list[Any] = []
    async with context.work() as session:
        access = await require_staff(
            update, context, session, role=Role.ORGANISER, action="proposal", also=Role.AMBASSADOR
        )
        if access is None:
            return
        t = access.t
        if not isinstance(decoded, callbacks.ProposalAction):
            problem = "gone"
        else:
            try:
                proposal, targets = await _act(session, access, decoded, now)
            except ProposalError as error:
                problem = error.code
        if problem is not None:
            await proposals.refuse(
                session,
                problem,
                now=now,
                actor_user_id=access.user_id,
                target=f"proposal:{getattr(decoded, 'proposal_id', None)}",
            )
    if (
        problem is not None
        or proposal is None
        or not isinstance(decoded, callbacks.ProposalAction)
    ):
        if problem in (None, "gone", "stale"):
            await neutral(query, t)
        else:
            await query.answer(_refusal(t, problem or ""), show_alert=True)
        return
    await query.answer()
    action = decoded.action
    if action == "decline":
        await context.bot.send_message(
            access.user_id,
            t.gettext("Why do you decline this topic? The member will read the reason."),
            reply_markup=views.decline_buttons(t, proposal),
        )
        return
    if action == "merge":
        if not targets:
            await context.bot.send_message(
                access.user_id, t.gettext("There is no other topic to merge it with.")
            )
            return
        await context.bot.send_message(
            access.user_id,
            t.gettext("Merge it with which topic? Its supports will count there."),
            reply_markup=views.merge_buttons(t, proposal, targets),
        )
        return
    if action == "text":
        # Beside typing it: asking the community's translators for each language its members
        # use that the topic has no text in.
        asks = task_views.ask_rows(t, proposal.id, targets, action="askp")
        languages = views.language_buttons(proposal)
        await context.bot.send_message(
            access.user_id,
            t.gettext("Which language do you want to add?"),
            reply_markup=InlineKeyboardMarkup([*languages.inline_keyboard, *asks]),
        )
        return
    if action == "lang":
        language = find_language(decoded.argument)
        name = language.native_name if language else ""
        await context.bot.send_message(
            access.user_id,
            t.gettext("Type the topic in {language}.", language=t.isolate(name)),
        )
        return
    await retire_buttons(query)
    await context.bot.send_message(access.user_id, _done(t, action, proposal))


def _done(t: Any, action: str, proposal: Proposal) -> str:
    match action:
        case "accept" if proposal.purpose == ProposalPurpose.CHECKIN:
            return t.gettext("Chosen. The long-term check-in asks it from now on.")
        case "accept":
            return t.gettext("Accepted. Invited members can now support this topic.")
        case "reason":
            return t.gettext("Declined. The member will be told why, in their language.")
        case "into":
            return t.gettext("Merged. Its supports now count for the other topic.")
    if proposal.on_agenda:
        return t.gettext("The topic is on the agenda.")
    return t.gettext("The topic is no longer on the agenda.")


async def _act(
    session: Any, access: StaffAccess, decoded: callbacks.ProposalAction, now: Any
) -> tuple[Proposal, list[Any]]:
    """Carry out one button; what the view needs to show next."""
    proposal = await proposals.for_staff(session, decoded.proposal_id, access.any_community_ids)
    if proposal is None:
        raise ProposalError("gone")
    if proposal.community_id not in access.community_ids and (
        # An ambassador there: a meeting topic's acceptance and translations only (choosing
        # the community's check-in question is the organisers').
        decoded.action not in AMBASSADOR_ACTIONS
        or (decoded.action == "accept" and proposal.purpose == ProposalPurpose.CHECKIN)
    ):
        raise ProposalError("organisers_only")
    if proposal.version != decoded.version:
        raise ProposalError("stale")
    decisions = {"accept": Decision.ACCEPT, "agenda": Decision.AGENDA}
    if decoded.action == "accept" and proposal.purpose == ProposalPurpose.CHECKIN:
        await questions.choose(
            session, proposal, decoded.version, actor_user_id=access.user_id, now=now
        )
        return proposal, []
    match decoded.action:
        case "accept" | "agenda":
            decided = await proposals.decide(
                session,
                proposal.id,
                decoded.version,
                decisions[decoded.action],
                community_ids=access.any_community_ids,
                actor_user_id=access.user_id,
                now=now,
            )
            return decided.proposal, []
        case "reason":
            decided = await proposals.decide(
                session,
                proposal.id,
                decoded.version,
                Decision.DECLINE,
                community_ids=access.community_ids,
                actor_user_id=access.user_id,
                now=now,
                reason=decoded.argument,
            )
            return decided.proposal, []
        case "into":
            if not (decoded.argument or "").isdigit():
                raise ProposalError("bad_target")
            decided = await proposals.decide(
                session,
                proposal.id,
                decoded.version,
                Decision.MERGE,
                community_ids=access.community_ids,
                actor_user_id=access.user_id,
                now=now,
                into_id=int(decoded.argument or 0),
            )
            return decided.proposal, []
        case "merge":
            return proposal, await proposals.merge_targets(session, proposal, access.t.tag)
        case "decline" | "text":
            if decoded.action == "decline" and proposal.status != ProposalStatus.NEW:
                raise ProposalError("stale")
            if decoded.action == "text" and proposal.status == ProposalStatus.ACCEPTED:
                return proposal, await translation_tasks.missing_languages(
                    session, proposal.community_id, proposal
                )
            return proposal, []
        case "lang":
            if find_language(decoded.argument) is None:
                raise ProposalError("gone")
            await dialogs.set(
                session,
                access.member.id,
                TRANSLATE,
                "text",
                {"proposal": proposal.id, "locale": decoded.argument},
                now=now,
            )
            return proposal, []
    raise ProposalError("gone")


async def on_message(update: Update, context: SamenContext) -> None:
    """The organiser's (or ambassador's) translation of a topic."""
    message, dialog = update.effective_message, context.dialog
    assert message is not None
    assert dialog is not None
    now = context.runtime.clock()
    problem = None
    async with context.work() as session:
        access = await require_staff(
            update, context, session, role=Role.ORGANISER, action="proposal", also=Role.AMBASSADOR
        )
        if access is None:
            return
        t = access.t
        proposal = await proposals.for_staff(
            session, int(dialog.data.get("proposal", 0)), access.any_community_ids
        )
        if proposal is None:
            await dialogs.clear(session, access.member.id, now=now)
            problem = "gone"
        elif not message.text:
            problem = "not_text"
        else:
            try:
                await proposals.add_text(
                    session,
                    proposal,
                    str(dialog.data.get("locale")),
                    message.text,
                    actor_user_id=access.user_id,
                    now=now,
                )
                await dialogs.clear(session, access.member.id, now=now)
            except ProposalError as error:
                problem = error.code
    if problem == "gone":
        await message.reply_text(t.gettext("This is no longer available."))
    elif problem is not None:
        await message.reply_text(views.problem(t, problem))
    else:
        await message.reply_text(t.gettext("Saved. Members who read that language will see it."))


def register(app: Application[Any, Any, Any, Any, Any, Any], router: Router) -> None:
    app.add_handler(CommandHandler("questions", questions_command))
    app.add_handler(CommandHandler("proposals", proposals_command, filters=PRIVATE_MESSAGES))
    app.add_handler(CallbackQueryHandler(on_button, pattern=r"^prp:"))
    router.register(TRANSLATE, on_message, needs_consent=False)
