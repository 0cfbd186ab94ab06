"""The one exception a user can cause in ``ratings`` (a bad file, row, date or option).

The CLI catches :class:`DataError` and prints it as one line with exit status 2, so the
message must say everything: which file, which line or column, and what to do about it.
"""

from __future__ import annotations

__all__ = ["DataError"]


class DataError(ValueError):
    """A problem in user-supplied data: ``str(error)`` names the file, the place and a hint."""
