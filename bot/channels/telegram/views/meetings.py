"""How meetings and their questions look in Telegram, in the reader's language and zone:
the invitation (sent through the outbox), change notices, and one question of an input run."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.channels.telegram import callbacks
from bot.channels.telegram.outbox.outgoing import Button, Outgoing, RenderContext
from bot.channels.telegram.outbox.splitting import TextEntity, utf16_len
from bot.channels.telegram.views import proposals as proposal_views
from bot.db.models import InputStatus, Meeting, MeetingStatus, QuestionKind, RsvpStatus
from bot.i18n import Translator
from bot.services import communities, meetings
from bot.services.intake import FLOW, Step
from bot.services.intake.questions import MAX_TEXT, SCALE, Problem
from bot.services.meetings import agenda, hosts
from bot.services.meetings.overview import MeetingOverview
from bot.services.outbox.dispatcher import RenderError
from bot.services.proposals import Shown

DATE_EXAMPLE = date(2027, 3, 14)


def when(t: Translator, meeting: Meeting) -> str:
    """Date and time in the reader's locale and time zone."""
    return t.gettext(
        "{date} at {time}",
        date=t.fmt_date(meeting.starts_at, "full"),
        time=t.fmt_time(meeting.starts_at),
    )


def card(
    t: Translator, meeting: Meeting, text: meetings.ShownText, agenda: Sequence[Shown] = ()
) -> tuple[str, tuple[TextEntity, ...]]:
    """The meeting as text: the title in bold, then description, time and place, and the
    agenda when members' proposals make it."""
    lines = [text.title]
    if text.description:
        lines += ["", text.description]
    lines += ["", t.gettext("When: {when}", when=when(t, meeting))]
    if text.place:
        lines.append(t.gettext("Where: {place}", place=t.isolate(text.place)))
    if meeting.online_url:
        lines.append(t.gettext("Online: {link}", link=t.isolate(meeting.online_url)))
    if agenda:
        lines += ["", t.gettext("On the agenda:")]
        lines += [f"• {proposal_views.line(t, item)}" for item in agenda]
    body = "\n".join(lines)
    return body, (TextEntity("bold", 0, utf16_len(text.title)),)


def invitation_buttons(
    t: Translator, meeting_id: int, *, with_input: bool, with_suggest: bool = False
) -> tuple[tuple[Button, ...], ...]:
    calendar = Button(t.gettext("Add to calendar"), callbacks.meeting(meeting_id, "ics"))
    second: tuple[Button, ...] = (calendar,)
    if with_suggest:
        # «Co-ownership»: members put topics on the table from the invitation itself.
        suggest = Button(t.gettext("Suggest a topic"), callbacks.meeting(meeting_id, "suggest"))
        second = (calendar, suggest)
    rows: list[tuple[Button, ...]] = [
        (
            Button(t.gettext("Going"), callbacks.meeting(meeting_id, "going")),
            Button(t.gettext("Maybe"), callbacks.meeting(meeting_id, "maybe")),
            Button(t.gettext("Not going"), callbacks.meeting(meeting_id, "no")),
        ),
        second,
    ]
    if with_input:
        rows.append((Button(t.gettext("Give input"), callbacks.meeting(meeting_id, "input")),))
    return tuple(rows)


def reminder(
    t: Translator,
    meeting: Meeting,
    text: meetings.ShownText,
    community_name: str,
    status: RsvpStatus | None,
    agenda: Sequence[Shown] = (),
) -> Outgoing:
    """A reminder: the card once (its bold title is the only title), the answer the member
    already gave, and one button to change it instead of asking the three again."""
    header = t.gettext("Reminder from {community}", community=t.isolate(community_name))
    body, entities = card(t, meeting, text, agenda)
    lines = [header, "", body]
    if status == RsvpStatus.GOING:
        lines += ["", t.gettext("You said you are coming.")]
    elif status == RsvpStatus.MAYBE:
        lines += ["", t.gettext("You said you might come.")]
    if status in (RsvpStatus.GOING, RsvpStatus.MAYBE):
        buttons: tuple[tuple[Button, ...], ...] = (
            (Button(t.gettext("Change my answer"), callbacks.meeting(meeting.id, "change")),),
        )
    else:
        # No answer (or one withdrawn since the reminder was planned): ask it.
        buttons = invitation_buttons(t, meeting.id, with_input=False)[:1]
    shift = utf16_len(header) + 2
    return Outgoing(
        text="\n".join(lines),
        entities=tuple(TextEntity(e.type, e.offset + shift, e.length) for e in entities),
        buttons=buttons,
    )


def markup(rows: tuple[tuple[Button, ...], ...]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(b.label, callback_data=b.callback_data) for b in row]
            for row in rows
        ]
    )


async def _meeting_for(
    payload: Mapping[str, Any], ctx: RenderContext
) -> tuple[Meeting, str, str, bool]:
    meeting_id = payload.get("meeting_id")
    if not isinstance(meeting_id, int):
        raise RenderError("meeting payload needs a meeting_id")
    meeting = await meetings.get(ctx.session, meeting_id)
    if meeting is None:
        raise RenderError("the meeting no longer exists")
    community = await ctx.cached(
        ("community", meeting.community_id),
        lambda: communities.get(ctx.session, meeting.community_id),
    )
    if community is None:
        raise RenderError("the meeting's community no longer exists")
    with_input = await ctx.cached(
        ("meeting-questions", meeting.id),
        lambda: meetings.questions_of(ctx.session, meeting.id),
    )
    return meeting, community.name, community.default_locale, bool(with_input)


async def render_invitation(
    t: Translator, payload: Mapping[str, Any], ctx: RenderContext
) -> Outgoing:
    """Rendered when sent: an organiser's edit made while invitations wait is included."""
    meeting, community_name, community_locale, with_input = await _meeting_for(payload, ctx)
    if meeting.status == MeetingStatus.CANCELLED:
        raise RenderError("the meeting was cancelled")
    text = meetings.text_for(
        meeting, ctx.row.locale, community_locale, reads=ctx.row.reads_locales
    )
    header = t.gettext("Invitation from {community}", community=community_name)
    agenda_items = await agenda.shown_items(ctx.session, meeting, ctx.row.locale)
    body, entities = card(t, meeting, text, agenda_items)
    # Ambassadors who agreed to be named, in the reader's language (their names as given).
    named = await ctx.cached(("hosts", meeting.id), lambda: hosts.named(ctx.session, meeting.id))
    if named:
        body += "\n" + t.gettext("Hosted with: {names}", names=", ".join(named))
    shift = utf16_len(header) + 2
    return Outgoing(
        text=f"{header}\n\n{body}",
        entities=tuple(TextEntity(e.type, e.offset + shift, e.length) for e in entities),
        # Give input stays on the invitation; after the deadline it says input has closed.
        buttons=invitation_buttons(t, meeting.id, with_input=with_input, with_suggest=True),
    )


async def render_change(t: Translator, payload: Mapping[str, Any], ctx: RenderContext) -> Outgoing:
    """A moved or cancelled meeting, told to the people who were invited."""
    meeting, _name, community_locale, _with_input = await _meeting_for(payload, ctx)
    text = meetings.text_for(
        meeting, ctx.row.locale, community_locale, reads=ctx.row.reads_locales
    )
    if payload.get("change") == "cancelled":
        line = t.gettext(
            "Cancelled: {title} will not take place. We are sorry.",
            title=t.isolate(text.title),
        )
        return Outgoing(text=line)
    if meeting.status == MeetingStatus.CANCELLED:
        raise RenderError("the meeting was cancelled after it moved")
    line = t.gettext(
        "Moved: {title} is now on {when}.", title=t.isolate(text.title), when=when(t, meeting)
    )
    rows = invitation_buttons(t, meeting.id, with_input=False)
    return Outgoing(text=line + "\n\n" + t.gettext("Are you still coming?"), buttons=rows[:1])


# --- one question of an input run --------------------------------------------------------------


def _hint(t: Translator, step: Step) -> str:
    match step.question.kind:
        case QuestionKind.TEXT:
            return t.gettext("Type your answer.")
        case QuestionKind.VOICE:
            return t.gettext("Record a voice message.")
        case QuestionKind.DATE:
            return t.gettext("Type a date, for example {example}.", example=example_date(t))
        case QuestionKind.SCALE:
            scale = step.question.scale
            return t.gettext(
                "Choose a number from {low} (low) to {high} (high).",
                low=t.fmt_number(scale[0]),
                high=t.fmt_number(scale[-1]),
            )
        case QuestionKind.SINGLE_CHOICE | QuestionKind.YES_NO:
            return t.gettext("Choose one of the buttons.")
        case QuestionKind.MULTIPLE_CHOICE:
            return t.gettext("Tick one or more, then tap Done.")
    return ""


def example_date(t: Translator) -> str:
    """An example in the form members can type: day-month-year, digits as in their locale."""
    return t.isolate(DATE_EXAMPLE.strftime("%d-%m-%Y"))


def question_text(t: Translator, step: Step, lead: str | None = None) -> str:
    lines = []
    if lead:
        lines += [lead, ""]
    lines.append(
        t.gettext("Question {number} of {total}", number=step.position + 1, total=step.total)
    )
    lines += ["", step.question.prompt, ""]
    lines.append(_hint(t, step))
    if not step.question.required:
        lines.append(t.gettext("This question is optional."))
    if step.previous is not None:
        lines += ["", t.gettext("Your answer now: {answer}", answer=t.isolate(step.previous))]
    return "\n".join(lines)


def question_keyboard(t: Translator, step: Step) -> InlineKeyboardMarkup:
    version = step.dialog.version
    kind = step.question.kind

    def button(label: str, choice: str) -> InlineKeyboardButton:
        return InlineKeyboardButton(label, callback_data=callbacks.step(FLOW, version, choice))

    rows: list[list[InlineKeyboardButton]] = []
    if kind == QuestionKind.SINGLE_CHOICE:
        rows += [[button(label, f"o{i}")] for i, label in enumerate(step.question.options)]
    elif kind == QuestionKind.MULTIPLE_CHOICE:
        rows += [
            [button(("✅ " if i in step.picked else "") + label, f"t{i}")]
            for i, label in enumerate(step.question.options)
        ]
        rows.append([button(t.gettext("Done"), "done")])
    elif kind == QuestionKind.SCALE:
        points = [button(t.fmt_number(n), f"s{n}") for n in step.question.scale]
        # Telegram draws at most eight buttons in a row; 0–10 takes two rows.
        half = (len(points) + 1) // 2 if len(points) > 8 else len(points)
        rows += [points[:half], points[half:]] if half < len(points) else [points]
    elif kind == QuestionKind.YES_NO:
        rows.append([button(t.gettext("Yes"), "y"), button(t.gettext("No"), "n")])
    navigation = []
    if step.position > 0:
        navigation.append(button(t.gettext("Back"), "back"))
    if step.previous is not None:
        navigation.append(button(t.gettext("Keep this answer"), "skip"))
    elif not step.question.required:
        navigation.append(button(t.gettext("Skip"), "skip"))
    navigation.append(button(t.gettext("Continue later"), "later"))
    rows.append(navigation)
    return InlineKeyboardMarkup(rows)


def problem_text(
    t: Translator, problem: Problem | None, *, required: bool = False, scale: range = SCALE
) -> str:
    """Why the answer did not fit, and what the question takes."""
    if required:
        return t.gettext("This question needs an answer; it cannot be skipped.")
    if problem is None:
        return t.gettext("Please choose with the buttons.")
    match problem.reason:
        case "not_voice":
            return t.gettext("This question asks for a voice message. Please record one.")
        case "not_text":
            return t.gettext("This question asks for a written answer. Please type it.")
        case "too_long":
            return t.ngettext(
                "That answer is too long. Please keep it under {count} character.",
                "That answer is too long. Please keep it under {count} characters.",
                MAX_TEXT,
            )
        case "not_a_date":
            return t.gettext(
                "That is not a date I understand. Please type it like {example}.",
                example=example_date(t),
            )
        case "empty":
            return t.gettext("Please type your answer as text.")
    if problem.expected == QuestionKind.SCALE:
        return t.gettext(
            "Please choose a number from {low} to {high}.",
            low=t.fmt_number(scale[0]),
            high=t.fmt_number(scale[-1]),
        )
    return t.gettext("Please choose with the buttons.")


def draft_problem_text(t: Translator, code: str, count: int = 0) -> str:
    """Why a /newmeeting or edit answer did not fit; `count` for the codes about options."""
    match code:
        case "not_a_time":
            return t.gettext(
                "I could not read that date and time. Please type it like {example}.",
                example=t.isolate(DATETIME_EXAMPLE),
            )
        case "in_the_past":
            return t.gettext("That moment has already passed. Please choose a time in the future.")
        case "empty":
            return t.gettext("Please type some text.")
        case "too_long":
            return t.gettext("That is too long. Please make it shorter.")
        case "bad_link":
            return t.gettext("A link cannot contain spaces. Please check it.")
        case "too_many":
            return t.gettext("That is the maximum number of questions. Tap Done.")
        case "few_options":
            return t.ngettext(
                "A choice needs at least {count} option. Type them one per line or with "
                "commas between them.",
                "A choice needs at least {count} options. Type them one per line or with "
                "commas between them.",
                count,
                count=t.fmt_number(count),
            )
        case "many_options":
            return t.ngettext(
                "That is more than {count} option. Please leave some out.",
                "That is more than {count} options. Please leave some out.",
                count,
                count=t.fmt_number(count),
            )
        case "long_option":
            return t.ngettext(
                "An option can have at most {count} character. Please make it shorter.",
                "An option can have at most {count} characters. Please make it shorter.",
                count,
                count=t.fmt_number(count),
            )
        case "same_options":
            return t.ngettext(
                "Please type exactly {count} option, in the same order as in the first language.",
                "Please type exactly {count} options, in the same order as in the first language.",
                count,
                count=t.fmt_number(count),
            )
        case "bad_scale":
            return t.gettext(
                "Please tap a range, or type two numbers from 0 to 10 like {example}.",
                example=t.isolate("1-7"),
            )
    return t.gettext("Please answer with the buttons.")


DATETIME_EXAMPLE = "14-03-2027 19:00"


def closed_text(t: Translator, reason: str) -> str:
    match reason:
        case "deadline":
            return t.gettext("Input for this meeting has closed. Thank you for your interest!")
        case "cancelled":
            return t.gettext("This meeting was cancelled.")
        case "no_questions":
            return t.gettext("There are no questions for this meeting.")
    return t.gettext("This is no longer available.")


def attendance_lines(t: Translator, seen: MeetingOverview) -> list[str]:
    """Who is coming and how much input came in: counts only, for organisers and co-hosts."""
    return [
        t.gettext(
            "Going: {going} · Maybe: {maybe} · Not going: {no}",
            going=t.fmt_number(seen.rsvps.get(RsvpStatus.GOING, 0)),
            maybe=t.fmt_number(seen.rsvps.get(RsvpStatus.MAYBE, 0)),
            no=t.fmt_number(seen.rsvps.get(RsvpStatus.NOT_GOING, 0)),
        ),
        t.gettext(
            # "label: number" needs no plural form in any language (a bare number cannot
            # make a participle agree).
            "Input — completed: {completed} · partly answered: {partial} · expired: {expired}",
            completed=t.fmt_number(seen.inputs.get(InputStatus.COMPLETED, 0)),
            partial=t.fmt_number(seen.inputs.get(InputStatus.PARTIAL, 0)),
            expired=t.fmt_number(seen.inputs.get(InputStatus.EXPIRED, 0)),
        ),
    ]
