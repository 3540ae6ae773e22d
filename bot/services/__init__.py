"""The domain. Services take an AsyncSession and return data; they never import `telegram`,
so another channel can reuse them.

Who commits (the one rule): **services flush and never commit.** The caller owns the unit of
work: in the bot, the journey's `async with context.work() as session:` commits once at the
end (and rolls everything back on an error); in tests and the CLI, whoever opened the session.

The exceptions are the entry points that are a unit of work of their own, and say so in their
docstring ("commits"): the periodic jobs (`outbox.claims.claim` / `record` / `recover`,
`checkins.firing.fire_due`, `updates.purge`, `communities.retention.purge`) and the one-shot
commands a CLI command or a member's request runs whole (`outbox.announcements.announce`,
`communities.retention.set_months`, and `members.data_rights.erase`, which must reach the disk
before it is confirmed).
"""
