"""All models, imported here so that the metadata is complete for Alembic."""

from bot.db.models.audit import AuditEvent
from bot.db.models.checkins import CheckIn, CheckInKind, CheckInState
from bot.db.models.communities import Community, Membership, Role, RoleAssignment
from bot.db.models.intake import (
    Answer,
    AnswerSource,
    Question,
    QuestionKind,
    QuestionStage,
    QuestionText,
)
from bot.db.models.meetings import Meeting, MeetingStatus, MeetingText, Rsvp, RsvpStatus
from bot.db.models.members import DialogState, Member
from bot.db.models.outbox import OutboxMessage, OutboxState

__all__ = [
    "Answer",
    "AnswerSource",
    "AuditEvent",
    "CheckIn",
    "CheckInKind",
    "CheckInState",
    "Community",
    "DialogState",
    "Meeting",
    "MeetingStatus",
    "MeetingText",
    "Member",
    "Membership",
    "OutboxMessage",
    "OutboxState",
    "Question",
    "QuestionKind",
    "QuestionStage",
    "QuestionText",
    "Role",
    "RoleAssignment",
    "Rsvp",
    "RsvpStatus",
]
