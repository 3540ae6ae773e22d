"""Callback data: what a button says when it is tapped. Opaque ids, never labels.

These shapes cover every button:

- `lang:<tag>` — choose a language (idempotent, valid at any time);
- `reads:choose` — from /language: say which other languages one reads (valid at any time
  after consent);
- `consent:<notice version>:yes|no` — answer a version of the privacy notice;
- `<flow>:<state version>:<choice>` — a choice at a dialogue step, valid only while the
  member's dialogue state still has that flow and version;
- `mtg:<meeting id>:<action>` — a button on an invitation (going, maybe, no, ics, input) or
  a reminder (change: show the three answers again),
  valid as long as the meeting takes it; the member comes from the update;
- `chk:<check-in id>:answer` — answer a follow-up or long-term check-in; valid only for the
  member the check-in belongs to;
- `exp:<community id>[:<meeting id>|all[:<format>]]` — a coordinator's choices in /export,
  re-checked against their role and the meeting's community on every tap;
- `cnv:<conversation id>:<community id>` — a member of several communities says which one
  their message is for; re-checked against the member's conversation and memberships;
- `inb:<conversation id>:<action>:<conversation version>[:<saved reply id>]` — an organiser's
  inbox button (open, reply, take, close, reopen, note, saved, send, cancel, hand; handto
  carries the chosen ambassador's member id in the last field), re-checked
  against their role, the conversation's community and its version on every tap;
- `trn:on|off` — a member's volunteer switch as a community translator: it sets the state it
  names (never toggles), so an old or repeated tap is harmless;
- `hst:<co-host id>:yes|no` — an ambassador says whether to be named as a meeting's host,
  re-checked against their role and that the co-host row is theirs;
- `ctb:<contribution id>:yes|no` — an organiser confirms or declines an activity a member
  reported, re-checked against their role and the contribution's community and state;
- `sup:<proposal id>:support|listen|translate` — a member supports (or stops supporting) a
  proposal, listens to a voice proposal, or translates their own; re-checked against the
  invitation (the proposer), the meeting's start and the member's supports left;
- `prp:<proposal id>:<action>:<proposal version>[:<argument>]` — an organiser's decision
  (accept, merge, into, decline, reason, agenda, text, lang, listen), re-checked against
  their role, the proposal's community and its version on every tap;
- `mkp:<conversation message id>` — a member makes their message a proposal; re-checked
  against the member's own conversation;
- `out:<outcome id>:useful|not_useful|show` — a member's reaction to a meeting's outcome (or
  showing it again); valid only for a member it was sent to;
- `tsk:<id>:<action>[:<language tag>]` — community translation tasks: an organiser asks
  (`ask`, the id a meeting's, with the language; `askp` a proposal's, `asks` a saved
  reply's, `asko` an outcome's) or trusts a task (`trust`, a task id); a
  translator takes, declines or asks for more (`take`, `decline`, `more`, an assignment id);
  an organiser approves or rejects a translation (`approve`, `reject`, an assignment id).
  Re-checked against the role, the community, the translator and the task's state.

Telegram allows 64 bytes. Callback data is user input: anyone can send any bytes, so
`decode` returns None for anything malformed, and handlers re-check every decoded value
against the database (the member comes from the update, never from the data).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_BYTES = 64
_PART = re.compile(r"^[A-Za-z0-9_.-]{1,40}$")
_FLOW = re.compile(r"^[a-z][a-z_]{0,15}$")
_VERSION = re.compile(r"^[1-9][0-9]{0,9}$")
_RESERVED = {
    "lang",
    "reads",
    "consent",
    "mtg",
    "chk",
    "exp",
    "cnv",
    "inb",
    "trn",
    "ctb",
    "hst",
    "sup",
    "prp",
    "mkp",
    "out",
    "tsk",
}
_ID = re.compile(r"^[1-9][0-9]{0,17}$")
MEETING_ACTIONS = frozenset({"going", "maybe", "no", "change", "ics", "input", "suggest"})
SUPPORT_ACTIONS = frozenset({"support", "listen", "translate"})
OUTCOME_ACTIONS = frozenset({"useful", "not_useful", "show"})
# "ask" a meeting's text, "askp" a proposal's topic, "asks" a saved reply, "asko" a shared
# outcome's texts.
TASK_ACTIONS = frozenset(
    {"ask", "askp", "asks", "asko", "trust", "take", "decline", "more", "approve", "reject"}
)
PROPOSAL_ACTIONS = frozenset(
    {"accept", "merge", "into", "decline", "reason", "agenda", "text", "lang", "listen"}
)
_EXPORT_FORMATS = ("csv", "xlsx", "jsonl")
INBOX_ACTIONS = frozenset(
    {
        "open",
        "reply",
        "take",
        "close",
        "reopen",
        "note",
        "saved",
        "send",
        "cancel",
        "hand",
        "handto",
    }
)


class CallbackTooLong(ValueError):
    """Encoded data would not fit in Telegram's 64 bytes."""


@dataclass(frozen=True)
class LanguageChoice:
    tag: str


@dataclass(frozen=True)
class ReadsChoice:
    """Choose the other languages one reads (the profile's languages step, on its own)."""


@dataclass(frozen=True)
class ConsentAnswer:
    version: int
    agree: bool


@dataclass(frozen=True)
class StepChoice:
    flow: str
    version: int
    choice: str


@dataclass(frozen=True)
class MeetingAction:
    meeting_id: int
    action: str


@dataclass(frozen=True)
class CheckInAnswer:
    checkin_id: int


@dataclass(frozen=True)
class ExportChoice:
    """What a coordinator picked so far in /export: a community, then a meeting or all of
    them (`meeting_id` None with `chosen_meetings`), then a format."""

    community_id: int
    chosen_meetings: bool = False
    meeting_id: int | None = None
    format: str | None = None


@dataclass(frozen=True)
class ConversationChoice:
    conversation_id: int
    community_id: int


@dataclass(frozen=True)
class InboxAction:
    conversation_id: int
    action: str
    version: int
    saved_reply_id: int | None = None


@dataclass(frozen=True)
class TranslatorSwitch:
    on: bool


@dataclass(frozen=True)
class ContributionDecision:
    contribution_id: int
    confirm: bool


@dataclass(frozen=True)
class HostAnswer:
    host_id: int
    named: bool


@dataclass(frozen=True)
class SupportAction:
    proposal_id: int
    action: str


@dataclass(frozen=True)
class ProposalAction:
    proposal_id: int
    action: str
    version: int
    argument: str | None = None  # a target proposal id, a reason code or a language tag


@dataclass(frozen=True)
class MessageToProposal:
    message_id: int


@dataclass(frozen=True)
class OutcomeAction:
    outcome_id: int
    action: str


@dataclass(frozen=True)
class TaskAction:
    target_id: int
    action: str
    language: str | None = None


Callback = (
    LanguageChoice
    | ReadsChoice
    | ConsentAnswer
    | StepChoice
    | MeetingAction
    | CheckInAnswer
    | ExportChoice
    | ConversationChoice
    | InboxAction
    | TranslatorSwitch
    | ContributionDecision
    | HostAnswer
    | SupportAction
    | ProposalAction
    | MessageToProposal
    | OutcomeAction
    | TaskAction
)


def encode(callback: Callback) -> str:
    """The callback data for a button; raises ValueError for parts that could not round-trip."""
    match callback:
        case LanguageChoice(tag):
            parts = ["lang", tag]
        case ReadsChoice():
            parts = ["reads", "choose"]
        case ConsentAnswer(version, agree):
            parts = ["consent", str(version), "yes" if agree else "no"]
        case MeetingAction(meeting_id, action):
            if action not in MEETING_ACTIONS:
                raise ValueError(f"unknown meeting action {action!r}")
            parts = ["mtg", str(meeting_id), action]
        case CheckInAnswer(checkin_id):
            parts = ["chk", str(checkin_id), "answer"]
        case HostAnswer(host_id, named):
            parts = ["hst", str(host_id), "yes" if named else "no"]
        case ContributionDecision(contribution_id, confirm):
            parts = ["ctb", str(contribution_id), "yes" if confirm else "no"]
        case ConversationChoice(conversation_id, community_id):
            parts = ["cnv", str(conversation_id), str(community_id)]
        case InboxAction(conversation_id, action, version, saved_reply_id):
            if action not in INBOX_ACTIONS:
                raise ValueError(f"unknown inbox action {action!r}")
            parts = ["inb", str(conversation_id), action, str(version)]
            if saved_reply_id is not None:
                parts.append(str(saved_reply_id))
        case TranslatorSwitch(on):
            parts = ["trn", "on" if on else "off"]
        case SupportAction(proposal_id, action):
            if action not in SUPPORT_ACTIONS:
                raise ValueError(f"unknown support action {action!r}")
            parts = ["sup", str(proposal_id), action]
        case ProposalAction(proposal_id, action, version, argument):
            if action not in PROPOSAL_ACTIONS:
                raise ValueError(f"unknown proposal action {action!r}")
            parts = ["prp", str(proposal_id), action, str(version)]
            if argument is not None:
                parts.append(argument)
        case MessageToProposal(message_id):
            parts = ["mkp", str(message_id)]
        case OutcomeAction(outcome_id, action):
            if action not in OUTCOME_ACTIONS:
                raise ValueError(f"unknown outcome action {action!r}")
            parts = ["out", str(outcome_id), action]
        case TaskAction(target_id, action, language):
            if action not in TASK_ACTIONS:
                raise ValueError(f"unknown task action {action!r}")
            parts = ["tsk", str(target_id), action]
            if language is not None:
                parts.append(language)
        case StepChoice(flow, version, choice):
            if not _FLOW.fullmatch(flow) or flow in _RESERVED:
                raise ValueError(f"invalid flow name {flow!r}")
            parts = [flow, str(version), choice]
        case ExportChoice(community_id, chosen_meetings, meeting_id, fmt):
            parts = ["exp", str(community_id)]
            if chosen_meetings:
                parts.append(str(meeting_id) if meeting_id is not None else "all")
                if fmt is not None:
                    if fmt not in _EXPORT_FORMATS:
                        raise ValueError(f"unknown export format {fmt!r}")
                    parts.append(fmt)
    if not all(_PART.fullmatch(part) for part in parts):
        raise ValueError(f"callback parts must be short ids: {parts!r}")
    data = ":".join(parts)
    if len(data.encode()) > MAX_BYTES:
        raise CallbackTooLong(data)
    return data


def decode(data: str | None) -> Callback | None:
    """Parse callback data; None for anything that is not exactly one of our shapes."""
    if not data or len(data.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        return None
    parts = data.split(":")
    if not all(_PART.fullmatch(part) for part in parts):
        return None
    match parts:
        case ["exp", community, *rest] if _ID.fullmatch(community) and len(rest) <= 2:
            return _export_choice(int(community), rest)
        case ["cnv", conversation, community] if _ID.fullmatch(conversation) and _ID.fullmatch(
            community
        ):
            return ConversationChoice(int(conversation), int(community))
        case ["inb", conversation, action, version, *rest] if (
            _ID.fullmatch(conversation)
            and action in INBOX_ACTIONS
            and _VERSION.fullmatch(version)
            and len(rest) <= 1
            and all(_ID.fullmatch(r) for r in rest)
        ):
            return InboxAction(
                int(conversation), action, int(version), int(rest[0]) if rest else None
            )
        case ["sup", proposal, action] if _ID.fullmatch(proposal) and action in SUPPORT_ACTIONS:
            return SupportAction(int(proposal), action)
        case ["prp", proposal, action, version, *rest] if (
            _ID.fullmatch(proposal)
            and action in PROPOSAL_ACTIONS
            and _VERSION.fullmatch(version)
            and len(rest) <= 1
        ):
            return ProposalAction(int(proposal), action, int(version), rest[0] if rest else None)
        case ["mkp", message] if _ID.fullmatch(message):
            return MessageToProposal(int(message))
        case ["out", outcome, action] if _ID.fullmatch(outcome) and action in OUTCOME_ACTIONS:
            return OutcomeAction(int(outcome), action)
        case ["tsk", target, action, *rest] if (
            _ID.fullmatch(target) and action in TASK_ACTIONS and len(rest) <= 1
        ):
            return TaskAction(int(target), action, rest[0] if rest else None)
        case ["lang", tag]:
            return LanguageChoice(tag)
        case ["reads", "choose"]:
            return ReadsChoice()
        case ["trn", ("on" | "off") as state]:
            return TranslatorSwitch(state == "on")
        case ["consent", version, ("yes" | "no") as answer] if _VERSION.fullmatch(version):
            return ConsentAnswer(int(version), answer == "yes")
        case ["mtg", meeting_id, action] if _ID.fullmatch(meeting_id) and (
            action in MEETING_ACTIONS
        ):
            return MeetingAction(int(meeting_id), action)
        case ["chk", checkin_id, "answer"] if _ID.fullmatch(checkin_id):
            return CheckInAnswer(int(checkin_id))
        case ["hst", host_id, ("yes" | "no") as answer] if _ID.fullmatch(host_id):
            return HostAnswer(int(host_id), answer == "yes")
        case ["ctb", contribution_id, ("yes" | "no") as answer] if _ID.fullmatch(contribution_id):
            return ContributionDecision(int(contribution_id), answer == "yes")
        case [flow, version, choice] if (
            _FLOW.fullmatch(flow) and flow not in _RESERVED and _VERSION.fullmatch(version)
        ):
            return StepChoice(flow, int(version), choice)
    return None


def _export_choice(community_id: int, rest: list[str]) -> ExportChoice | None:
    if not rest:
        return ExportChoice(community_id)
    scope, *fmt = rest
    if scope != "all" and not _ID.fullmatch(scope):
        return None
    if fmt and fmt[0] not in _EXPORT_FORMATS:
        return None
    return ExportChoice(
        community_id,
        chosen_meetings=True,
        meeting_id=None if scope == "all" else int(scope),
        format=fmt[0] if fmt else None,
    )


def lang(tag: str) -> str:
    return encode(LanguageChoice(tag))


def reads() -> str:
    return encode(ReadsChoice())


def consent(version: int, agree: bool) -> str:
    return encode(ConsentAnswer(version, agree))


def step(flow: str, version: int, choice: str) -> str:
    return encode(StepChoice(flow, version, choice))


def meeting(meeting_id: int, action: str) -> str:
    return encode(MeetingAction(meeting_id, action))


def checkin(checkin_id: int) -> str:
    return encode(CheckInAnswer(checkin_id))


def export(
    community_id: int,
    *,
    meetings: bool = False,
    meeting_id: int | None = None,
    fmt: str | None = None,
) -> str:
    return encode(ExportChoice(community_id, meetings, meeting_id, fmt))


def conversation_choice(conversation_id: int, community_id: int) -> str:
    return encode(ConversationChoice(conversation_id, community_id))


def inbox(
    conversation_id: int, action: str, version: int, saved_reply_id: int | None = None
) -> str:
    return encode(InboxAction(conversation_id, action, version, saved_reply_id))


def translator_switch(on: bool) -> str:
    return encode(TranslatorSwitch(on))


def contribution(contribution_id: int, confirm: bool) -> str:
    return encode(ContributionDecision(contribution_id, confirm))


def host_answer(host_id: int, named: bool) -> str:
    return encode(HostAnswer(host_id, named))


def support(proposal_id: int, action: str = "support") -> str:
    return encode(SupportAction(proposal_id, action))


def proposal(proposal_id: int, action: str, version: int, argument: str | None = None) -> str:
    return encode(ProposalAction(proposal_id, action, version, argument))


def message_to_proposal(message_id: int) -> str:
    return encode(MessageToProposal(message_id))


def outcome(outcome_id: int, action: str) -> str:
    return encode(OutcomeAction(outcome_id, action))


def task(target_id: int, action: str, language: str | None = None) -> str:
    return encode(TaskAction(target_id, action, language))
