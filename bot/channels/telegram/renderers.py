"""The registry of outbox renderers: payload kind → the view that draws it.

It sits above the views (they define renderers with the types in `outbox/outgoing.py`), so
the views never import it and no import circle forms.
"""

from __future__ import annotations

from bot.channels.telegram.outbox.outgoing import Renderers
from bot.channels.telegram.views import announcements as announcement_views
from bot.channels.telegram.views import checkins as checkin_views
from bot.channels.telegram.views import contributions as contribution_views
from bot.channels.telegram.views import conversations as conversation_views
from bot.channels.telegram.views import hosts as host_views
from bot.channels.telegram.views import meetings as meeting_views
from bot.channels.telegram.views import outcomes as outcome_views
from bot.channels.telegram.views import proposals as proposal_views
from bot.channels.telegram.views import tasks as task_views
from bot.services import checkins, contributions, conversations
from bot.services.contributions import statements
from bot.services.conversations import notices, replies
from bot.services.meetings import changes, hosts, invitations, outcomes
from bot.services.outbox import announcements
from bot.services.proposals import KIND_DECISION, digests
from bot.services.proposals import notices as proposal_notices
from bot.services.translations import tasks


def build_renderers() -> Renderers:
    """Every kind the outbox can send."""
    renderers = Renderers()
    renderers.register(announcements.KIND, announcement_views.render_announcement)
    renderers.register(invitations.KIND, meeting_views.render_invitation)
    renderers.register(changes.KIND_CHANGE, meeting_views.render_change)
    renderers.register(checkins.KIND, checkin_views.render_checkin)
    renderers.register(replies.KIND, conversation_views.render_reply)
    renderers.register(notices.KIND, conversation_views.render_notice)
    renderers.register(conversations.HANDED_KIND, conversation_views.render_handed)
    renderers.register(contributions.KIND_NOTICE, contribution_views.render_notice)
    renderers.register(contributions.KIND_DECIDED, contribution_views.render_decided)
    renderers.register(statements.KIND, contribution_views.render_statement)
    renderers.register(hosts.KIND_ASK, host_views.render_ask)
    renderers.register(outcomes.KIND, outcome_views.render_outcome)
    renderers.register(KIND_DECISION, proposal_views.render_decision)
    renderers.register(digests.KIND, proposal_views.render_digest)
    renderers.register(proposal_notices.KIND, proposal_views.render_notice)
    renderers.register(tasks.KIND_OFFER, task_views.render_offer)
    renderers.register(tasks.KIND_SUBMITTED, task_views.render_submitted)
    renderers.register(tasks.KIND_DECIDED, task_views.render_decided)
    return renderers
