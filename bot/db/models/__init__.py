"""All models, imported here so that the metadata is complete for Alembic."""

from bot.db.models.audit import AuditEvent
from bot.db.models.checkins import CheckIn, CheckInKind, CheckInSchedule, CheckInState
from bot.db.models.communities import Community, Membership, Role, RoleAssignment
from bot.db.models.conversations import (
    Author,
    Conversation,
    ConversationMessage,
    ConversationStatus,
    InboxOrganiser,
    MessageKind,
    Origin,
    SavedReply,
    SavedReplyText,
)
from bot.db.models.intake import (
    Answer,
    AnswerSource,
    InputRun,
    InputStatus,
    Question,
    QuestionKind,
    QuestionStage,
    QuestionText,
)
from bot.db.models.meetings import Meeting, MeetingStatus, MeetingText, Rsvp, RsvpStatus
from bot.db.models.members import DialogState, Member
from bot.db.models.outbox import (
    DUE_AT_ONCE,
    FINAL_STATES,
    Broadcast,
    OutboxMessage,
    OutboxState,
    ProcessedUpdate,
)
from bot.db.models.outcomes import Outcome, OutcomeAudience, OutcomeReaction, OutcomeText, Reaction
from bot.db.models.proposals import (
    Proposal,
    ProposalDigest,
    ProposalKind,
    ProposalPurpose,
    ProposalStatus,
    ProposalText,
    Support,
)
from bot.db.models.secrets import InstallationSecret
from bot.db.models.translations import TextReview, Verdict

__all__ = [
    "DUE_AT_ONCE",
    "FINAL_STATES",
    "Answer",
    "AnswerSource",
    "AuditEvent",
    "Author",
    "Broadcast",
    "CheckIn",
    "CheckInKind",
    "CheckInSchedule",
    "CheckInState",
    "Community",
    "Conversation",
    "ConversationMessage",
    "ConversationStatus",
    "DialogState",
    "InboxOrganiser",
    "InputRun",
    "InputStatus",
    "InstallationSecret",
    "Meeting",
    "MeetingStatus",
    "MeetingText",
    "Member",
    "Membership",
    "MessageKind",
    "Origin",
    "OutboxMessage",
    "OutboxState",
    "Outcome",
    "OutcomeAudience",
    "OutcomeReaction",
    "OutcomeText",
    "ProcessedUpdate",
    "Proposal",
    "ProposalDigest",
    "ProposalKind",
    "ProposalPurpose",
    "ProposalStatus",
    "ProposalText",
    "Question",
    "QuestionKind",
    "QuestionStage",
    "QuestionText",
    "Reaction",
    "Role",
    "RoleAssignment",
    "Rsvp",
    "RsvpStatus",
    "SavedReply",
    "SavedReplyText",
    "Support",
    "TextReview",
    "Verdict",
]
