"""The one error type the user is shown: a single line naming the problem and the fix."""

from __future__ import annotations

BAD_INPUT_EXIT_CODE = 2


class UserError(Exception):
    """A problem the user can fix, such as a missing file or model.

    The message is one line that says what is wrong and what to do about it.
    """

    exit_code: int = BAD_INPUT_EXIT_CODE

    def __init__(self, message: str) -> None:
        # Keep it to one line whatever the caller passed, so it reads well aloud too.
        super().__init__(" ".join(message.split()))

    @property
    def message(self) -> str:
        """The one-line text shown and spoken to the user."""
        return str(self)
