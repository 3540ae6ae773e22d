"""The privacy notice members agree to, by version.

The notice's text lives in the catalogs; this number says which text it is. Bump it whenever
the notice changes what is stored, who sees it or for how long: every member is then asked
again (and treated as not consented) before anything new about them is stored.
"""

from __future__ import annotations

# 2: the notice says how long answers and stories are kept (the retention period).
# 3: the notice says that organisers read the messages members write, and answer them.
# 4: the notice names the Telegram user id among what is kept (and says it point by point).
# 5: the notice says what the contributions log keeps, and that statements keep their totals.
# 6: the notice says that members' proposed topics are kept, and that a topic that reached an
#    agenda keeps its text without the proposer's name after /delete («Co-ownership»).
NOTICE_VERSION = 6


def current_notice_version() -> int:
    """The version members must have agreed to; read at call time so a bump takes effect."""
    return NOTICE_VERSION
