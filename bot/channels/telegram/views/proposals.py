"""How proposals look in Telegram: asking for a topic, the member's list of topics to
support (sent directly and as the daily digest), a decision told to the proposer, and the
organiser's cards and ranking."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.channels.telegram import callbacks
from bot.channels.telegram.outbox.outgoing import Button, Outgoing, RenderContext
from bot.db.models import Meeting, Proposal, ProposalStatus
from bot.i18n import LANGUAGES, N_, Translator, find_language
from bot.services import communities, meetings, members, proposals
from bot.services.dialogs import Dialog
from bot.services.outbox.dispatcher import RenderError
from bot.services.proposals import FLOW, MAX_TEXT, Shown, supports
from bot.services.proposals.supports import Ballot, Ranking

if TYPE_CHECKING:
    from bot.services.members.data_rights import StoredProposal

STAR, SUPPORTED = "☆", "★"

# Why an organiser declined, as the member reads it (the codes are in `services/proposals`).
DECLINE_TEXTS = {
    "planned": N_("It is already planned for this or another meeting."),
    "off_topic": N_("It does not fit the subject of this meeting."),
    "not_possible": N_("It is not something we can take up at the moment."),
    "elsewhere": N_("It fits better somewhere else; the organisers will tell you where."),
}
DECLINE_LABELS = {
    "planned": N_("Already planned"),
    "off_topic": N_("Does not fit this meeting"),
    "not_possible": N_("Not possible now"),
    "elsewhere": N_("Fits better elsewhere"),
}


def language_name(tag: str) -> str:
    found = find_language(tag)
    return found.native_name if found else tag


# --- the member proposes -----------------------------------------------------------------------


def ask_topic(t: Translator, title: str) -> str:
    return t.gettext(
        "Which topic would you like to put on the agenda of {title}? Type it in a sentence "
        "or two, or record a voice message.",
        title=t.isolate(title),
    )


def choose_meeting(
    t: Translator, dialog: Dialog, options: Sequence[tuple[int, str]]
) -> tuple[str, InlineKeyboardMarkup]:
    rows = [
        [InlineKeyboardButton(title, callback_data=callbacks.step(FLOW, dialog.version, f"m{i}"))]
        for i, title in options
    ]
    return t.gettext("Which meeting is your topic for?"), InlineKeyboardMarkup(rows)


def thanks(t: Translator, title: str, *, duplicate: bool) -> str:
    if duplicate:
        return t.gettext(
            "You proposed this topic for {title} already; it is counted once.",
            title=t.isolate(title),
        )
    return t.gettext(
        "Thank you! Your topic for {title} is with the organisers. You will hear what they "
        "decide.",
        title=t.isolate(title),
    )


def ask_question(t: Translator, community: str) -> str:
    return t.gettext(
        "Which question should {community} ask its members in the check-in, besides where "
        "they stand, what they learned and how we could help each other? Type it.",
        community=t.isolate(community),
    )


def question_thanks(t: Translator, *, duplicate: bool) -> str:
    if duplicate:
        return t.gettext("You proposed this question already; it is counted once.")
    return t.gettext(
        "Thank you! The organisers will read your question and may choose it for the check-in."
    )


def problem(t: Translator, code: str) -> str:
    """Why a topic or a tap was refused, in the member's language."""
    match code:
        case "empty" | "too_short":
            return t.gettext("Please type your topic in a few words, or record a voice message.")
        case "too_long":
            return t.ngettext(
                "That is too long for a topic. Please keep it under {count} character.",
                "That is too long for a topic. Please keep it under {count} characters.",
                MAX_TEXT,
            )
        case "not_text":
            return t.gettext(
                "A topic can be a text or a voice message. Please type it or record one."
            )
        case "started":
            return t.gettext("This meeting has already started; its topics can no longer change.")
        case "cancelled":
            return t.gettext("This meeting was cancelled.")
        case "limit":
            return t.gettext(
                "You have used all your supports for this meeting. Tap a topic you support "
                "to take that support back first."
            )
        case "no_meeting":
            return t.gettext("There is no upcoming meeting to propose a topic for.")
        case "question_text":
            return t.gettext("Please type the question, so everyone can read it.")
        case "no_topics":
            return _no_topics(t)
        case "not_a_topic":
            return t.gettext("Only a text or a voice message can become a topic.")
    return t.gettext("This is no longer available.")


# --- what a reader sees of one proposal --------------------------------------------------------


def line(t: Translator, shown: Shown) -> str:
    """The proposal's text (or that it is a voice message), marked when it is only in the
    proposer's language."""
    if shown.text is None:
        body = t.gettext(
            "A voice message in {language}", language=t.isolate(language_name(shown.locale))
        )
    else:
        body = t.isolate(shown.text)
        if shown.voice_file_id:
            body = "🎤 " + body
    if shown.untranslated:
        body += " " + t.gettext(
            "(in {language}, not translated yet)",
            language=t.isolate(language_name(shown.locale)),
        )
    return body


# --- the member's list of topics to support ----------------------------------------------------


def ballot_text(t: Translator, ballot: Ballot, *, lead: str | None = None) -> str:
    lines = [lead, ""] if lead else []
    lines.append(t.gettext("Topics proposed for {title}:", title=t.isolate(ballot.title)))
    lines.append("")
    for item in ballot.items:
        mark = SUPPORTED if item.supported else STAR
        lines.append(f"{mark} {t.fmt_number(item.number)}. {line(t, item.shown)}")
    lines.append("")
    if ballot.open:
        lines.append(
            t.ngettext(
                "You can support {count} topic. Supported so far: {used}.",
                "You can support {count} topics. Supported so far: {used}.",
                ballot.limit,
                count=t.fmt_number(ballot.limit),
                used=t.fmt_number(ballot.used),
            )
        )
        lines.append(t.gettext("Tap a topic to support it; tap it again to take it back."))
    else:
        lines.append(t.gettext("The meeting has started; supports can no longer change."))
    return "\n".join(lines)


def ballot_buttons(t: Translator, ballot: Ballot) -> tuple[tuple[Button, ...], ...]:
    if not ballot.open:
        return ()
    rows = []
    for item in ballot.items:
        mark = SUPPORTED if item.supported else STAR
        label = t.gettext("{mark} Support {number}", mark=mark, number=t.fmt_number(item.number))
        row = [Button(label, callbacks.support(item.shown.proposal_id))]
        if item.shown.voice_file_id:
            listen = t.gettext("Listen to {number}", number=t.fmt_number(item.number))
            row.append(Button(listen, callbacks.support(item.shown.proposal_id, "listen")))
        rows.append(tuple(row))
    return tuple(rows)


def markup(rows: tuple[tuple[Button, ...], ...]) -> InlineKeyboardMarkup | None:
    if not rows:
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(b.label, callback_data=b.callback_data) for b in row]
            for row in rows
        ]
    )


def _no_topics(t: Translator) -> str:
    return t.gettext("There are no topics to support yet. You will hear when there are.")


async def render_digest(t: Translator, payload: Mapping[str, Any], ctx: RenderContext) -> Outgoing:
    """The daily digest: the first meeting's topics (as they are when it is sent)."""
    ids = payload.get("meeting_ids")
    if not isinstance(ids, list) or not ids or not all(isinstance(i, int) for i in ids):
        raise RenderError("a digest needs meeting ids")
    member = await members.get(ctx.session, ctx.row.member_id or 0)
    if member is None:
        raise RenderError("the member is gone")
    for meeting_id in ids:
        ballot = await supports.ballot(ctx.session, member, meeting_id, now=None)
        if ballot is None or not ballot.items or not ballot.open:
            continue
        lead = t.gettext("New topics were proposed for a meeting you are invited to.")
        text = ballot_text(t, ballot, lead=lead)
        if len(ids) > 1:
            text += "\n\n" + t.gettext("Topics for your other meetings: /topics")
        return Outgoing(text=text, buttons=ballot_buttons(t, ballot))
    raise RenderError("no open meeting with topics any more")


async def render_decision(
    t: Translator, payload: Mapping[str, Any], ctx: RenderContext
) -> Outgoing:
    """What the organisers decided about the member's topic."""
    proposal_id = payload.get("proposal_id")
    if not isinstance(proposal_id, int):
        raise RenderError("a decision needs a proposal id")
    proposal = await ctx.session.get(Proposal, proposal_id)
    if proposal is None:
        raise RenderError("the proposal is gone")
    if proposal.meeting_id is None:
        return await _question_decision(t, proposal, ctx)
    meeting = await meetings.get(ctx.session, proposal.meeting_id)
    community = await communities.get(ctx.session, proposal.community_id)
    if meeting is None or community is None:
        raise RenderError("the meeting is gone")
    title = t.isolate(meetings.text_for(meeting, ctx.row.locale, community.default_locale).title)
    topic = line(t, proposals.shown(proposal, ctx.row.locale, community.default_locale))
    match proposal.status:
        case ProposalStatus.ACCEPTED:
            text = t.gettext(
                "Good news: your topic “{topic}” is now on the list for {title}. Members can "
                "support it.",
                topic=topic,
                title=title,
            )
            # The proposer can write it in the other languages they know.
            translate = Button(
                t.gettext("Add a translation"), callbacks.support(proposal.id, "translate")
            )
            return Outgoing(text=text, buttons=((translate,),))
        case ProposalStatus.MERGED:
            text = t.gettext(
                "Your topic “{topic}” for {title} was joined with a similar topic, so that "
                "their supports count together.",
                topic=topic,
                title=title,
            )
        case ProposalStatus.DECLINED:
            reason = DECLINE_TEXTS.get(proposal.decline_reason or "")
            text = t.gettext(
                "The organisers will not take up your topic “{topic}” for {title}. {reason}",
                topic=topic,
                title=title,
                reason=t.gettext(reason) if reason else "",
            ).strip()
        case _:
            raise RenderError("no decision to tell")
    return Outgoing(text=text)


async def _question_decision(t: Translator, proposal: Proposal, ctx: RenderContext) -> Outgoing:
    """What became of a member's question for the check-in."""
    community = await communities.get(ctx.session, proposal.community_id)
    if community is None:
        raise RenderError("the community is gone")
    topic = line(t, proposals.shown(proposal, ctx.row.locale, community.default_locale))
    if proposal.status == ProposalStatus.ACCEPTED:
        return Outgoing(
            text=t.gettext(
                "Good news: {community} will ask your question “{topic}” in its check-ins.",
                community=t.isolate(community.name),
                topic=topic,
            )
        )
    if proposal.status == ProposalStatus.DECLINED:
        reason = DECLINE_TEXTS.get(proposal.decline_reason or "")
        return Outgoing(
            text=t.gettext(
                "The organisers will not use your question “{topic}” for the check-in. {reason}",
                topic=topic,
                reason=t.gettext(reason) if reason else "",
            ).strip()
        )
    raise RenderError("no decision to tell")


# --- the organisers' side ----------------------------------------------------------------------


async def render_notice(t: Translator, payload: Mapping[str, Any], ctx: RenderContext) -> Outgoing:
    count = payload.get("proposals")
    if not isinstance(count, int):
        raise RenderError("a notice needs a count")
    text = t.ngettext(
        "{count} new topic proposed by members.",
        "{count} new topics proposed by members.",
        count,
        count=t.fmt_number(count),
    )
    return Outgoing(text=f"{text} " + t.gettext("Send /meeting to decide about them."))


def card_text(t: Translator, proposal: Proposal, shown: Shown, *, supports: int = 0) -> str:
    lines = [line(t, shown)]
    other = [x for x in proposal.texts if x.locale != shown.locale]
    for text in other:
        lines.append(f"   {text.locale}: {t.isolate(text.text)}")
    details = [
        t.gettext(
            "Proposed in {language}", language=t.isolate(language_name(proposal.source_locale))
        )
    ]
    if proposal.status == ProposalStatus.ACCEPTED:
        details.append(
            t.ngettext(
                "{count} support", "{count} supports", supports, count=t.fmt_number(supports)
            )
        )
        if proposal.on_agenda:
            details.append(t.gettext("on the agenda"))
    lines.append(" · ".join(details))
    return "\n".join(lines)


def question_card_buttons(t: Translator, proposal: Proposal) -> InlineKeyboardMarkup:
    """A proposed check-in question: ask it from now on, or decline it."""
    v = proposal.version
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    t.gettext("Ask this in the check-in"),
                    callback_data=callbacks.proposal(proposal.id, "accept", v),
                ),
                InlineKeyboardButton(
                    t.gettext("Decline"),
                    callback_data=callbacks.proposal(proposal.id, "decline", v),
                ),
            ]
        ]
    )


def new_card_buttons(t: Translator, proposal: Proposal) -> InlineKeyboardMarkup:
    v = proposal.version
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    t.gettext("Accept"), callback_data=callbacks.proposal(proposal.id, "accept", v)
                ),
                InlineKeyboardButton(
                    t.gettext("Merge with…"),
                    callback_data=callbacks.proposal(proposal.id, "merge", v),
                ),
                InlineKeyboardButton(
                    t.gettext("Decline"),
                    callback_data=callbacks.proposal(proposal.id, "decline", v),
                ),
            ]
        ]
    )


def accepted_card_buttons(t: Translator, proposal: Proposal) -> InlineKeyboardMarkup:
    v = proposal.version
    agenda = (
        t.gettext("Take off the agenda") if proposal.on_agenda else t.gettext("Put on the agenda")
    )
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    agenda, callback_data=callbacks.proposal(proposal.id, "agenda", v)
                ),
                InlineKeyboardButton(
                    t.gettext("Add a translation"),
                    callback_data=callbacks.proposal(proposal.id, "text", v),
                ),
            ],
            [
                InlineKeyboardButton(
                    t.gettext("Merge with…"),
                    callback_data=callbacks.proposal(proposal.id, "merge", v),
                )
            ],
        ]
    )


def ambassador_card_buttons(t: Translator, proposal: Proposal) -> InlineKeyboardMarkup:
    """What an ambassador may do with a topic: accept a new one, translate an accepted one."""
    v = proposal.version
    if proposal.status == ProposalStatus.NEW:
        label, action = t.gettext("Accept"), "accept"
    else:
        label, action = t.gettext("Add a translation"), "text"
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=callbacks.proposal(proposal.id, action, v))]]
    )


def decline_buttons(t: Translator, proposal: Proposal) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    t.gettext(DECLINE_LABELS[code]),
                    callback_data=callbacks.proposal(
                        proposal.id, "reason", proposal.version, code
                    ),
                )
            ]
            for code in proposals.DECLINE_REASONS
        ]
    )


def merge_buttons(
    t: Translator, proposal: Proposal, targets: Sequence[tuple[Proposal, Shown]]
) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    proposals.first_words(shown.text) or line(t, shown),
                    callback_data=callbacks.proposal(
                        proposal.id, "into", proposal.version, str(target.id)
                    ),
                )
            ]
            for target, shown in targets
        ]
    )


def own_language_buttons(proposal: Proposal, dialog: Dialog) -> InlineKeyboardMarkup:
    """The proposer's choice of language for a translation of their topic (dialogue step)."""
    have = {text.locale for text in proposal.texts}
    buttons = [
        InlineKeyboardButton(
            ("✓ " if language.tag in have else "") + language.native_name,
            callback_data=callbacks.step(FLOW, dialog.version, f"l{language.tag}"),
        )
        for language in LANGUAGES
        if language.tag != proposal.source_locale
    ]
    return InlineKeyboardMarkup([buttons[i : i + 2] for i in range(0, len(buttons), 2)])


def language_buttons(proposal: Proposal) -> InlineKeyboardMarkup:
    """Every language but the proposer's, each in its own name; ticked where a text exists."""
    have = {text.locale for text in proposal.texts}
    buttons = [
        InlineKeyboardButton(
            ("✓ " if language.tag in have else "") + language.native_name,
            callback_data=callbacks.proposal(proposal.id, "lang", proposal.version, language.tag),
        )
        for language in LANGUAGES
        if language.tag != proposal.source_locale
    ]
    return InlineKeyboardMarkup([buttons[i : i + 2] for i in range(0, len(buttons), 2)])


def limit_buttons(t: Translator, meeting: Meeting, dialog: Dialog) -> InlineKeyboardMarkup:
    """Fewer or more supports per member (buttons of /meeting's dialogue)."""
    step = dialog.flow, dialog.version
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    t.gettext("Fewer supports"),
                    callback_data=callbacks.step(*step, f"d{meeting.id}"),
                ),
                InlineKeyboardButton(
                    t.gettext("More supports"),
                    callback_data=callbacks.step(*step, f"u{meeting.id}"),
                ),
            ]
        ]
    )


def ranking_text(t: Translator, meeting: Meeting, title: str, ranking: Ranking) -> str:
    """The accepted topics, most supported first, with counts per language group, and the
    share of each group's topics on the agenda."""
    lines = [
        t.gettext("Topics for {title}, most supported first:", title=t.isolate(title)),
        t.ngettext(
            "Each member can support {count} topic.",
            "Each member can support {count} topics.",
            meeting.supports_per_member,
            count=t.fmt_number(meeting.supports_per_member),
        ),
        "",
    ]
    if not ranking.items:
        lines.append(t.gettext("No accepted topics yet."))
    for number, item in enumerate(ranking.items, 1):
        mark = "📌 " if item.proposal.on_agenda else ""
        groups = ", ".join(
            f"{language_name(tag)} {t.fmt_number(n)}" for tag, n in item.by_language.items()
        )
        count = t.ngettext(
            "{count} support", "{count} supports", item.supports, count=t.fmt_number(item.supports)
        )
        lines.append(f"{t.fmt_number(number)}. {mark}{line(t, item.shown)}")
        lines.append(f"   {count}" + (f" ({groups})" if groups else ""))
    if ranking.proposed_by_language:
        lines += ["", t.gettext("On the agenda, per language of the proposer:")]
        for tag, proposed in ranking.proposed_by_language.items():
            lines.append(
                t.gettext(
                    "{language}: {agenda} of {proposed}",
                    language=language_name(tag),
                    agenda=t.fmt_number(ranking.on_agenda_by_language.get(tag, 0)),
                    proposed=t.fmt_number(proposed),
                )
            )
    return "\n".join(lines)


# --- /mydata -----------------------------------------------------------------------------------

STATUS_LABELS = {
    "new": N_("waiting for the organisers"),
    "accepted": N_("accepted"),
    "merged": N_("joined with a similar topic"),
    "declined": N_("not taken up"),
}


def mydata_lines(
    t: Translator, proposed: Sequence[StoredProposal], supported: Sequence[int]
) -> list[str]:
    """The member's proposals and supports in /mydata (nothing when there are none)."""
    if not proposed and not supported:
        return []
    lines = [
        t.ngettext("{count} topic you proposed:", "{count} topics you proposed:", len(proposed))
    ]
    for stored in proposed[-5:]:
        text = next(iter(stored.texts.values()), None) or t.gettext("(voice message)")
        status = t.gettext(STATUS_LABELS.get(stored.status, STATUS_LABELS["new"]))
        lines.append(f"• {proposals.first_words(text, 80)} — {status}")
    lines.append(
        t.ngettext("You support {count} topic.", "You support {count} topics.", len(supported))
    )
    return lines
