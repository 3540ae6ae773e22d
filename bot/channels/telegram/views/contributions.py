"""The contributions log in chat: the /contribute steps, a person's own log, the organisers'
notice with Confirm / Decline, the answer the person gets, and their monthly statement."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from telegram import InlineKeyboardMarkup

from bot.channels.telegram import callbacks
from bot.channels.telegram.outbox.outgoing import Button, Outgoing, RenderContext
from bot.channels.telegram.views import keyboards
from bot.db.models import Community, Contribution, ContributionKind, ContributionStatus
from bot.i18n import N_, Translator
from bot.services import communities, contributions
from bot.services.contributions import activities, statements
from bot.services.dialogs import Dialog
from bot.services.members.data_rights import StoredContribution
from bot.services.outbox.dispatcher import RenderError

KIND_LABELS = {
    ContributionKind.TRANSLATION: N_("translation"),
    ContributionKind.COHOST: N_("co-hosted a meeting"),
    ContributionKind.PROPOSAL: N_("proposal on an agenda"),
    ContributionKind.ACTIVITY: N_("activity"),
}
STATUS_LABELS = {
    ContributionStatus.PENDING: N_("waiting for an organiser"),
    ContributionStatus.CONFIRMED: N_("confirmed"),
    ContributionStatus.DECLINED: N_("declined"),
}


def length(t: Translator, minutes: int) -> str:
    """90 → "1 hour and 30 minutes", in the reader's language."""
    hours, rest = divmod(max(0, minutes), 60)
    if not hours:
        return t.ngettext("{count} minute", "{count} minutes", rest)
    whole = t.ngettext("{count} hour", "{count} hours", hours)
    if not rest:
        return whole
    return t.gettext(
        "{hours} and {minutes}",
        hours=whole,
        minutes=t.ngettext("{count} minute", "{count} minutes", rest),
    )


def money(t: Translator, cents: int) -> str:
    """An amount in euros, as the reader's language writes it."""
    return t.fmt_currency(cents / 100, "EUR")


# --- /contribute -------------------------------------------------------------------------------


def communities_keyboard(dialog: Dialog, found: Sequence[Community]) -> InlineKeyboardMarkup:
    return keyboards.choices(
        activities.FLOW, dialog.version, [(f"c{c.id}", c.name) for c in found]
    )


def what_prompt(t: Translator) -> str:
    return t.gettext(
        "What did you do? Write it in one or two sentences, for example: interpreting at the "
        "parents' evening."
    )


def day_prompt(t: Translator, dialog: Dialog) -> tuple[str, InlineKeyboardMarkup]:
    text = t.gettext(
        "Which day was it? Tap one, or type the date, for example {example}.",
        # Day-month in the reader's digits: the shape `activities.parse_day` reads in every
        # language (a locale's own short format, such as the US month first, would not be).
        example=t.fmt_date(date(2026, 11, 14), "d-M"),
    )
    markup = keyboards.choices(
        activities.FLOW,
        dialog.version,
        [("d0", t.gettext("Today")), ("d1", t.gettext("Yesterday"))],
        width=2,
    )
    return text, markup


def start_prompt(t: Translator) -> str:
    return t.gettext("At what time did it start? For example 14:00.")


def length_prompt(t: Translator, dialog: Dialog) -> tuple[str, InlineKeyboardMarkup]:
    text = t.gettext(
        "How long did it take? Tap one, or type the hours, for example 2.5 for two and a "
        "half hours."
    )
    options = [(f"m{m}", length(t, m)) for m in activities.LENGTHS]
    return text, keyboards.choices(activities.FLOW, dialog.version, options, width=3)


def check_prompt(
    t: Translator, dialog: Dialog, problems: Sequence[str]
) -> tuple[str, InlineKeyboardMarkup]:
    """The gentle question before keeping a report that looks unusual."""
    lines = [t.gettext("Before I keep this, please check:")]
    if contributions.FUTURE in problems:
        lines.append("• " + t.gettext("This is in the future. Did you mean another day?"))
    if contributions.TOO_LONG in problems:
        lines.append(
            "• "
            + t.gettext(
                "That is more than {hours} hours in one go. Is the length right?",
                hours=t.fmt_number(contributions.MAX_MINUTES // 60),
            )
        )
    if contributions.OVERLAP in problems:
        lines.append("• " + t.gettext("It overlaps another activity you reported."))
    markup = keyboards.choices(
        activities.FLOW,
        dialog.version,
        [
            ("keep", t.gettext("Keep it as it is")),
            ("again", t.gettext("Change it")),
            ("stop", t.gettext("Cancel")),
        ],
    )
    return "\n".join(lines), markup


def kept_text(t: Translator, community: str) -> str:
    return t.gettext(
        "Thank you! I have sent it to the organisers of {community}. You will hear when they "
        "have confirmed it; /contributions shows your log.",
        community=community,
    )


def cancelled_text(t: Translator) -> str:
    return t.gettext("Nothing was kept.")


# --- the person's own log ------------------------------------------------------------------


def row_line(t: Translator, row: Contribution | StoredContribution) -> str:
    kind, status = ContributionKind(row.kind), ContributionStatus(row.status)
    parts = [t.fmt_date(row.occurred_at, "medium"), t.gettext(KIND_LABELS[kind])]
    if row.what:
        parts.append(row.what)
    if row.minutes:
        parts.append(length(t, row.minutes))
    if row.words:
        parts.append(t.ngettext("{count} word", "{count} words", row.words))
    parts.append(t.gettext(STATUS_LABELS[status]))
    return "• " + " · ".join(parts)


def log_text(t: Translator, rows: Sequence[Contribution | StoredContribution]) -> str:
    if not rows:
        return t.gettext(
            "Your contributions log is empty. Ambassadors report what they did with /contribute."
        )
    confirmed = sum(r.minutes or 0 for r in rows if r.status == ContributionStatus.CONFIRMED.value)
    lines = [t.gettext("Your contributions:"), *(row_line(t, r) for r in rows)]
    lines += ["", t.gettext("Confirmed time: {length}", length=length(t, confirmed))]
    return "\n".join(lines)


def mydata_lines(t: Translator, count: int) -> list[str]:
    return [
        t.ngettext(
            "{count} contribution in your log.",
            "{count} contributions in your log.",
            count,
        )
    ]


# --- through the outbox --------------------------------------------------------------------


async def _contribution(payload: Mapping[str, Any], ctx: RenderContext) -> Contribution:
    contribution_id = payload.get("contribution_id")
    if not isinstance(contribution_id, int):
        raise RenderError("a contribution message needs a contribution_id")
    row = await contributions.get(ctx.session, contribution_id)
    if row is None:
        raise RenderError("the contribution is gone")
    return row


async def render_notice(t: Translator, payload: Mapping[str, Any], ctx: RenderContext) -> Outgoing:
    """To organisers: someone reported an activity; Confirm / Decline."""
    row = await _contribution(payload, ctx)
    community = await communities.get(ctx.session, row.community_id)
    text = t.gettext(
        "{code} reported an activity for {community}: {what}\n{when}, {length}.\n"
        "Please confirm it if it happened like this.",
        code=str(payload.get("code") or "?"),
        community=community.name if community else "?",
        what=row.what or "",
        when=t.fmt_datetime(row.occurred_at, "short"),
        length=length(t, row.minutes or 0),
    )
    buttons = (
        (
            Button(t.gettext("Confirm"), callbacks.contribution(row.id, True)),
            Button(t.gettext("Decline"), callbacks.contribution(row.id, False)),
        ),
    )
    return Outgoing(text=text, buttons=buttons)


async def render_decided(
    t: Translator, payload: Mapping[str, Any], ctx: RenderContext
) -> Outgoing:
    """To the person: their report was confirmed or declined."""
    row = await _contribution(payload, ctx)
    when = t.fmt_date(row.occurred_at, "medium")
    if row.status == ContributionStatus.CONFIRMED:
        text = t.gettext(
            "An organiser confirmed your activity of {date}: {what}. Thank you!",
            date=when,
            what=row.what or "",
        )
    else:
        text = t.gettext(
            "An organiser declined your activity of {date}: {what}. If you think this is a "
            "mistake, write to them here.",
            date=when,
            what=row.what or "",
        )
    return Outgoing(text=text)


def decision_text(t: Translator, confirmed: bool, changed: bool) -> str:
    if not changed:
        return t.gettext("Someone already answered this report.")
    if confirmed:
        return t.gettext("Confirmed. The person will be told.")
    return t.gettext("Declined. The person will be told.")


async def render_statement(
    t: Translator, payload: Mapping[str, Any], ctx: RenderContext
) -> Outgoing:
    """To the person: their own line of a month's statement, in their language."""
    statement_id = payload.get("statement_id")
    if not isinstance(statement_id, int):
        raise RenderError("a statement message needs a statement_id")
    row = await statements.get(ctx.session, statement_id)
    if row is None or row.member_id is None:
        raise RenderError("the statement is gone")
    community = await communities.get(ctx.session, row.community_id)
    month = statements.parse_month(row.month)
    lines = [
        t.gettext(
            "Your contributions to {community} in {month}:",
            community=community.name if community else "?",
            month=t.fmt_date(month, "LLLL y"),
        ),
        t.gettext("Confirmed time: {length}", length=length(t, row.minutes)),
        t.ngettext(
            "{count} contribution confirmed.", "{count} contributions confirmed.", row.activities
        ),
    ]
    if row.amount_cents:
        lines.append(t.gettext("Allowance: {amount}", amount=money(t, row.amount_cents)))
    if row.cap_note == statements.MONTHLY:
        lines.append(t.gettext("This is the most the community pays in one month."))
    elif row.cap_note == statements.YEARLY:
        lines.append(t.gettext("This reaches the most the community pays in one year."))
    lines += ["", t.gettext("Thank you for what you do for your community.")]
    return Outgoing(text="\n".join(lines))
