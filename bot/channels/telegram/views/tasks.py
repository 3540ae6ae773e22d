"""What community translation tasks look like: the organiser's "Ask community translators"
buttons and answers, the translator's notice and field-by-field steps, the organiser's
"approve or reject", and the answer the translator gets."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.channels.telegram import callbacks
from bot.channels.telegram.outbox.outgoing import Button, Outgoing, RenderContext
from bot.channels.telegram.views import keyboards
from bot.db.models import ApprovalMode, AssignmentState, TaskSubject
from bot.i18n import N_, Translator, find_language
from bot.services import communities
from bot.services.outbox.dispatcher import RenderError
from bot.services.translations import catalog, tasks
from bot.services.translations.tasks import Asked, Offer, Problem, Step

Message = tuple[str, InlineKeyboardMarkup | None]

FIELD_LABELS = {
    "title": N_("Title"),
    "description": N_("Description"),
    "place": N_("Place"),
    "text": N_("Text"),
    "reply": N_("Text"),
    tasks.OUTCOME_FIELD: N_("Text"),
}
# What a translator is asked to translate, per kind of subject.
OFFER_TEXTS = {
    TaskSubject.MEETING: N_(
        "{community} asks for your help as a community translator: the meeting "
        "“{title}”, from {source} into {target}."
    ),
    TaskSubject.PROPOSAL: N_(
        "{community} asks for your help as a community translator: the topic "
        "“{title}”, from {source} into {target}."
    ),
    TaskSubject.OUTCOME: N_(
        "{community} asks for your help as a community translator: the outcome of the "
        "meeting “{title}”, from {source} into {target}."
    ),
    TaskSubject.SAVED_REPLY: N_(
        "{community} asks for your help as a community translator: the saved reply "
        "“{title}”, from {source} into {target}."
    ),
}
SHORT_TITLE = 60


def language_name(tag: str) -> str:
    language = find_language(tag)
    return language.native_name if language else tag


def field_label(t: Translator, name: str) -> str:
    """A field's label; an outcome's agenda items are numbered from 1."""
    position = tasks.item_position(name)
    if name not in FIELD_LABELS and position is not None:
        return t.gettext("Item {number}", number=t.fmt_number(position + 1))
    return t.gettext(FIELD_LABELS[name])


def _title(offer: Offer) -> str:
    """The meeting's title (an outcome's meeting's too), a saved reply's name, or the start of
    a topic."""
    if offer.reply is not None:
        return offer.reply.name
    if offer.outcome is not None and offer.outcome_meeting is not None:
        meeting = offer.outcome_meeting
        own = tasks.meeting_source(meeting, offer.task.source_locale)
        return own.get("title") or tasks.meeting_source(meeting, meeting.source_locale).get(
            "title", "?"
        )
    title = offer.source.get("title") or offer.source.get("text") or "?"
    return title if len(title) <= SHORT_TITLE else title[: SHORT_TITLE - 1].rstrip() + "…"


# --- the organiser ----------------------------------------------------------------------------


def ask_buttons(
    t: Translator, meeting_id: int, missing: Sequence[str], *, action: str = "ask"
) -> InlineKeyboardMarkup | None:
    """Under the /invite warning (and the proposal card's languages, `action` "askp"): one
    "Ask community translators" per language without its own text."""
    rows = ask_rows(t, meeting_id, missing, action=action)
    return InlineKeyboardMarkup(rows) if rows else None


def ask_rows(
    t: Translator, target_id: int, missing: Sequence[str], *, action: str
) -> list[list[InlineKeyboardButton]]:
    rows = []
    for tag in missing:
        if find_language(tag) is None:
            continue
        label = t.gettext("Ask community translators: {language}", language=language_name(tag))
        rows.append(
            [InlineKeyboardButton(label, callback_data=callbacks.task(target_id, action, tag))]
        )
    return rows


def asked(t: Translator, result: Asked | Problem) -> Message:
    """The answer to "Ask community translators"."""
    if isinstance(result, Problem):
        if result.code == tasks.HAS_TEXT:
            return t.gettext("There is a text in that language now."), None
        if result.code == tasks.NOBODY:
            return (
                t.gettext(
                    "No community translator reads both languages yet. You can add the text "
                    "yourself with /translate."
                ),
                None,
            )
        return t.gettext("This is no longer available."), None
    task = result.task
    language = language_name(task.target_locale)
    if result.again:
        text = t.gettext(
            "Community translators were asked for {language} already. You will hear from them "
            "here.",
            language=language,
        )
    elif result.offered:
        text = t.ngettext(
            "{count} community translator is asked for {language}. You approve the translation "
            "before it is published.",
            "{count} community translators are asked for {language}. You approve the "
            "translation before it is published.",
            result.offered,
            count=t.fmt_number(result.offered),
            language=language,
        )
    else:
        text = t.gettext(
            "The community translators for {language} had a task today already: they are asked "
            "tomorrow.",
            language=language,
        )
    if task.approval == ApprovalMode.TRUSTED:
        return text, None
    button = InlineKeyboardButton(
        t.gettext("Publish at once: I trust these translators"),
        callback_data=callbacks.task(task.id, "trust"),
    )
    return text, InlineKeyboardMarkup([[button]])


def trusted(t: Translator, found: bool, language: str | None) -> str:
    if not found or language is None:
        return t.gettext("This is no longer available.")
    return t.gettext(
        "Translations into {language} are published as soon as a translator sends them.",
        language=language_name(language),
    )


def decision_text(t: Translator, approved: bool, changed: bool) -> str:
    if not changed:
        return t.gettext("This translation was decided on already; nothing was changed.")
    if approved:
        return t.gettext(
            "Published. New invitations and those still waiting will carry this text."
        )
    return t.gettext("Not published. The task stays open for other translators.")


async def _offer(payload: Mapping[str, Any], ctx: RenderContext) -> Offer:
    found = await tasks.load_offer(ctx.session, int(payload.get("assignment_id") or 0))
    if found is None:
        raise RenderError("the translation task is gone")
    return found


async def render_submitted(
    t: Translator, payload: Mapping[str, Any], ctx: RenderContext
) -> Outgoing:
    """To the organiser: a translation to approve or reject, field by field."""
    found = await _offer(payload, ctx)
    fields = found.assignment.fields or {}
    lines = [
        t.gettext(
            "A community translator translated “{title}” into {language}:",
            title=_title(found),
            language=language_name(found.task.target_locale),
        ),
        "",
    ]
    for name, source in found.source.items():
        label = field_label(t, name)
        lines.append(f"{label} ({language_name(found.task.source_locale)}): {source}")
        typed = fields.get(name)
        if typed:
            lines.append(f"{label} ({language_name(found.task.target_locale)}): {typed}")
        else:
            lines.append(t.gettext("{field}: passed", field=label))
        lines.append("")
    lines.append(t.gettext("Publish this translation?"))
    row = found.assignment.id
    buttons = (
        (
            Button(t.gettext("Approve"), callbacks.task(row, "approve")),
            Button(t.gettext("Reject"), callbacks.task(row, "reject")),
        ),
    )
    return Outgoing(text="\n".join(lines).strip(), buttons=buttons)


# --- the translator ---------------------------------------------------------------------------


def _offer_text(t: Translator, offer: Offer, community: str) -> str:
    count = len(offer.source)
    return "\n".join(
        [
            t.gettext(
                OFFER_TEXTS.get(offer.task.subject, OFFER_TEXTS[TaskSubject.MEETING]),
                community=community,
                title=_title(offer),
                source=language_name(offer.task.source_locale),
                target=language_name(offer.task.target_locale),
            ),
            t.ngettext(
                "It has {count} part. You can pass a part you do not want to translate.",
                "It has {count} parts. You can pass a part you do not want to translate.",
                count,
                count=t.fmt_number(count),
            ),
        ]
    )


def _offer_buttons(t: Translator, assignment_id: int) -> tuple[tuple[Button, ...], ...]:
    return (
        (
            Button(t.gettext("Translate"), callbacks.task(assignment_id, "take")),
            Button(t.gettext("Not now"), callbacks.task(assignment_id, "decline")),
        ),
        (Button(t.gettext("More tasks"), callbacks.task(assignment_id, "more")),),
    )


async def render_offer(t: Translator, payload: Mapping[str, Any], ctx: RenderContext) -> Outgoing:
    """To a translator: a task notice (at most one a day that they did not ask for)."""
    found = await _offer(payload, ctx)
    community = await communities.get(ctx.session, found.task.community_id)
    text = _offer_text(t, found, community.name if community else "?")
    return Outgoing(text=text, buttons=_offer_buttons(t, found.assignment.id))


async def render_decided(
    t: Translator, payload: Mapping[str, Any], ctx: RenderContext
) -> Outgoing:
    """To the translator: their translation was published, or not."""
    found = await _offer(payload, ctx)
    language = language_name(found.task.target_locale)
    if found.assignment.state == AssignmentState.APPROVED:
        text = t.gettext(
            "Your translation of “{title}” into {language} is published. Thank you!",
            title=_title(found),
            language=language,
        )
    else:
        text = t.gettext(
            "The organiser did not publish your translation of “{title}” into {language}. "
            "Thank you for your work all the same.",
            title=_title(found),
            language=language,
        )
    return Outgoing(text=text)


def offers(t: Translator, found: Sequence[tuple[Offer, str]]) -> list[Message]:
    """/tasks: every task the translator can do now, each with its buttons."""
    if not found:
        return [(t.gettext("There are no translation tasks for you right now. Thank you!"), None)]
    shown: list[Message] = []
    for offer, community in found:
        rows = [
            [InlineKeyboardButton(b.label, callback_data=b.callback_data) for b in row]
            for row in _offer_buttons(t, offer.assignment.id)[:1]
        ]
        shown.append((_offer_text(t, offer, community), InlineKeyboardMarkup(rows)))
    return shown


def _field_prompt(t: Translator, step: Step, lead: str | None = None) -> Message:
    assert step.dialog is not None
    assert step.offer is not None
    assert step.field is not None
    offer = step.offer
    label = field_label(t, step.field)
    text = "\n".join(
        [
            f"{label} ({language_name(offer.task.source_locale)}):",
            offer.source[step.field],
            "",
            t.gettext(
                "Type it in {language}, or tap Pass.",
                language=language_name(offer.task.target_locale),
            ),
        ]
    )
    markup = keyboards.choices(
        tasks.FLOW,
        step.dialog.version,
        [(tasks.PASS, t.gettext("Pass")), (tasks.STOP, t.gettext("Stop"))],
        width=2,
    )
    return (f"{lead}\n\n{text}" if lead else text), markup


def _names(names: Sequence[str]) -> str:
    return " ".join("{" + name + "}" for name in names)


def _refusal_lead(t: Translator, step: Step) -> str | None:
    if step.reason == tasks.PLACEHOLDERS:
        lines = [
            t.gettext(
                "I cannot keep this text: the parts in curly brackets are filled in by the bot "
                "and must stay exactly as in the original."
            )
        ]
        if step.missing:
            lines.append(t.gettext("Missing: {names}", names=_names(step.missing)))
        if step.added:
            lines.append(t.gettext("Not in the original: {names}", names=_names(step.added)))
        return "\n".join(lines)
    if step.reason == tasks.TOO_LONG:
        return t.gettext("That is too long. Please make it shorter.")
    if step.reason == tasks.NO_TEXT:
        return t.gettext("Please type the translation, or tap Pass.")
    return None


def _doubt(t: Translator, step: Step) -> Message:
    assert step.dialog is not None
    assert step.offer is not None
    language = language_name(step.offer.task.target_locale)
    lines = []
    for reason in step.doubts:
        if reason == catalog.EMPTY:
            lines.append(t.gettext("This text has no letters."))
        elif reason == catalog.LONGER:
            lines.append(t.gettext("This text is much longer than the original."))
        elif reason == catalog.SCRIPT:
            lines.append(
                t.gettext(
                    "This text is not written in the usual script for {language}.",
                    language=language,
                )
            )
    lines.append(t.gettext("Keep it anyway?"))
    markup = keyboards.choices(
        tasks.FLOW,
        step.dialog.version,
        [(tasks.KEEP, t.gettext("Keep it anyway")), (tasks.AGAIN, t.gettext("Write it again"))],
        width=2,
    )
    return "\n".join(lines), markup


def step_messages(t: Translator, step: Step) -> list[Message]:
    """The translator's next screen."""
    match step.kind:
        case "field":
            return [_field_prompt(t, step, _refusal_lead(t, step))]
        case "doubt":
            return [_doubt(t, step)]
        case "refused":
            return [(refusal(t), None)]
        case "submitted":
            return [
                (
                    t.gettext(
                        "Thank you! The organiser looks at your translation before it is "
                        "published."
                    ),
                    None,
                )
            ]
        case "published":
            return [(t.gettext("Thank you! Your translation is published."), None)]
        case "nothing":
            return [
                (
                    t.gettext(
                        "Without a title nothing can be published, so the task goes to another "
                        "translator. Thank you for looking!"
                    ),
                    None,
                )
            ]
        case "stopped" if step.reason == tasks.GONE:
            return [(gone(t), None)]
        case "stopped":
            return [(t.gettext("Stopped. Send /tasks to see your translation tasks."), None)]
    return [(gone(t), None)]


def refusal(t: Translator) -> str:
    return t.gettext(
        "Translation tasks are for community translators. Send /translator to volunteer."
    )


def gone(t: Translator) -> str:
    return t.gettext("This translation task is no longer open. Thank you!")
