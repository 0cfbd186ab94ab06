"""The one exception a user can cause in ``ratings`` (a bad file, row, date or option).

The CLI catches :class:`DataError` and prints it as one line with exit status 2 (the
ratings scripts through :func:`one_line_failures`), so the message must say everything:
which file, which row and column (or which option), what is wrong and what to do about it.
The line reads::

    FILE: row N, column C: what is wrong (hint: what to do)
    --option: what is wrong (hint: what to do)

Rows count as a spreadsheet shows them: the header is row 1, the first match row 2.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

__all__ = ["DataError", "one_line_failures"]

_LEGACY_HINT = "; hint: "


class DataError(ValueError):
    """A problem in user-supplied data: ``str(error)`` names the file, the place and a hint.

    Parameters
    ----------
    message : what is wrong, in plain words. A message written the older way,
        ``"what; hint: how"``, is split into the message and the hint.
    file : the file it is in (or the option, e.g. ``"--fit-until"``), if any.
    row : the row in that file (header = row 1), if any.
    column : the column (CSV) or key (TOML), if any.
    hint : how to fix it.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
        hint: str | None = None,
    ) -> None:
        if hint is None and _LEGACY_HINT in message:
            message, _, hint = message.rpartition(_LEGACY_HINT)
        self.message = message
        self.file = None if file is None else str(file)
        self.row = row
        self.column = column
        self.hint = hint
        super().__init__(str(self))

    @property
    def place(self) -> str:
        """``row N, column C`` (either part may be missing; "" when neither is known)."""
        parts = []
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column is not None:
            parts.append(f"column {self.column}")
        return ", ".join(parts)

    def __str__(self) -> str:
        where = ": ".join(part for part in (self.file, self.place) if part)
        text = f"{where}: {self.message}" if where else self.message
        if self.hint:
            text += f" (hint: {self.hint})"
        # One line whatever the parts hold (a TOML parser's message may span lines).
        return " ".join(text.splitlines())


def one_line_failures(command: Callable[[], int]) -> int:
    """Run ``command`` (a script's work, returning its exit status) and turn what a user
    can cause into one line on stderr instead of a traceback: a :class:`DataError` (status
    2), Ctrl-C (130; the ratings scripts write their files whole or not at all, see
    ``ratings.defaults.write_defaults``), a reader that stopped early (``... | head``: 0).

    Stopped while numba was still loading or compiling a kernel in a worker thread
    (:func:`ratings._jit.run_kernel`), the process ends at once with status 130, after the
    line: Python's shutdown would otherwise run beside a thread inside LLVM.
    """
    try:
        return command()
    except DataError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted; no half-written file is left", file=sys.stderr)
        from ratings._jit import loading_kernels

        if loading_kernels():
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(130)
        return 130
    except BrokenPipeError:
        return 0
