"""The one kind of error an operator fixes: its message is a single line that is safe to print.

Kept free of imports so that `samen --help` can name it without loading the application.
"""

from __future__ import annotations


class OperatorError(Exception):
    """A problem in the installation (settings, database, token); the message names the fix.

    `samen` exits with `exit_code`: 2, which tells systemd that restarting will not help.
    """

    exit_code = 2
