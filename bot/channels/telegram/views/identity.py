"""Who someone is to Samen (/whoami): their number, their communities and roles."""

from __future__ import annotations

from bot.db.models import Role
from bot.i18n import Translator
from bot.services.communities.roles import Identity


def number_line(t: Translator, telegram_user_id: int) -> str:
    # The number on a line of its own, as plain digits: no thousands separators and no bidi
    # isolation marks (placeholders get those in right-to-left languages), since installers
    # copy it into SAMEN_COORDINATOR_IDS.
    label = t.gettext("Your Telegram number:")
    return f"{label}\n{telegram_user_id}"


def role_label(t: Translator, role: Role) -> str:
    match role:
        case Role.COORDINATOR:
            return t.gettext("coordinator")
        case Role.AMBASSADOR:
            return t.gettext("ambassador")
    return t.gettext("organiser")


def render(t: Translator, found: Identity) -> str:
    lines = [number_line(t, found.telegram_user_id)]
    if found.installation_coordinator:
        lines.append(
            t.gettext(
                "You are an installation coordinator (SAMEN_COORDINATOR_IDS): you can act in "
                "every community."
            )
        )
    else:
        lines.append(
            t.gettext(
                "Installing Samen? Put this number in SAMEN_COORDINATOR_IDS to become an "
                "installation coordinator."
            )
        )
    lines.append("")
    if not found.communities:
        lines.append(t.gettext("You are not in any community yet."))
        return "\n".join(lines)
    lines.append(t.gettext("Your communities:"))
    for standing in found.communities:
        labels = [t.gettext("member")] if standing.member else []
        labels += [role_label(t, role) for role in standing.roles]
        lines.append(
            "• "
            + t.gettext(
                "{community}: {roles}",
                community=standing.community,
                roles=", ".join(labels),
            )
        )
    return "\n".join(lines)
