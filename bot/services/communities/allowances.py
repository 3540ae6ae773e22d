"""How a community rewards contributions: nothing, a fixed fee per kind of contribution, or an
hourly volunteer allowance with monthly and yearly caps.

No amount is built in. What a volunteer may receive tax-free differs per country, per year
and per person (age, benefits, asylum reception), so a coordinator sets every number; the
README gives the Dutch tax authority's 2025 limits as an example only.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Allowance, AllowanceMode, Community, ContributionKind
from bot.services import audit

# Far above any volunteer allowance: a typo (5600 for 56.00) is refused, not paid.
MAX_CENTS = 10_000_000


class AllowanceError(ValueError):
    """The settings do not make sense; the message says what to change, in one line."""


async def get(session: AsyncSession, community_id: int) -> Allowance | None:
    return await session.get(Allowance, community_id)


def _cents(name: str, value: int | None) -> int | None:
    if value is None:
        return None
    if value < 0 or value > MAX_CENTS:
        raise AllowanceError(f"{name} must be between 0 and {MAX_CENTS // 100} euros")
    return value


async def set_allowance(
    session: AsyncSession,
    community: Community,
    *,
    mode: AllowanceMode,
    hourly_rate_cents: int | None = None,
    monthly_cap_cents: int | None = None,
    yearly_cap_cents: int | None = None,
    fees: Mapping[str, int] | None = None,
    actor_user_id: int | None = None,
    now: datetime,
) -> Allowance:
    """Replace the community's settings after checking them; audited. The caller commits."""
    hourly = _cents("the hourly rate", hourly_rate_cents)
    monthly = _cents("the monthly cap", monthly_cap_cents)
    yearly = _cents("the yearly cap", yearly_cap_cents)
    kinds = {kind.value for kind in ContributionKind}
    fee_cents = {
        kind: _cents(f"the fee for {kind}", cents) for kind, cents in (fees or {}).items()
    }
    unknown = sorted(set(fee_cents) - kinds)
    if unknown:
        known = ", ".join(sorted(kinds))
        raise AllowanceError(f"no kind of contribution called {unknown[0]!r}; use one of: {known}")
    if mode is AllowanceMode.HOURLY and not hourly:
        raise AllowanceError("an hourly allowance needs --hourly-rate (in euros, e.g. 5.60)")
    if mode is AllowanceMode.FEE and not any(fee_cents.values()):
        raise AllowanceError("a fee per kind needs at least one --fee KIND=EUROS, e.g. cohost=25")
    if mode is not AllowanceMode.HOURLY and hourly is not None:
        raise AllowanceError("--hourly-rate is only for --mode hourly")
    if mode is not AllowanceMode.FEE and fee_cents:
        raise AllowanceError("--fee is only for --mode fee")
    if mode is AllowanceMode.NONE and (monthly is not None or yearly is not None):
        raise AllowanceError("caps are only for a mode that pays (fee or hourly)")
    if monthly is not None and yearly is not None and monthly > yearly:
        raise AllowanceError("the monthly cap is higher than the yearly cap")
    row = await get(session, community.id)
    if row is None:
        row = Allowance(community_id=community.id)
        session.add(row)
    row.mode = mode
    row.hourly_rate_cents = hourly
    row.monthly_cap_cents = monthly
    row.yearly_cap_cents = yearly
    row.fees = {k: v for k, v in fee_cents.items() if v is not None} or None
    row.updated_by_user_id = actor_user_id
    row.updated_at = now
    await session.flush()
    await audit.record(
        session,
        "allowance.set",
        now=now,
        actor_user_id=actor_user_id,
        community_id=community.id,
        target=f"community:{community.code}",
        details={
            "mode": mode.value,
            "hourly_rate_cents": hourly,
            "monthly_cap_cents": monthly,
            "yearly_cap_cents": yearly,
            "fees": row.fees,
        },
    )
    return row
