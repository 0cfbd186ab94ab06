"""The one exception a user can cause: a bad input file, option or reference.

Every message names the file, the place in it and what is wrong, and gives a hint where one
helps. The CLI prints ``str(error)`` as one line and exits with status 2.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

__all__ = ["InputError", "close_match_hint"]


class InputError(Exception):
    """A problem in something the user gave us (file, key path, option).

    Parameters
    ----------
    message : what is wrong, in plain words.
    file : the file it is in, if any.
    place : key path (``stages[3].groups[0].tiebreak``), line number or option name.
    hint : how to fix it, if we can tell.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        place: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.message = message
        self.file = file
        self.place = place
        self.hint = hint
        super().__init__(str(self))

    def __str__(self) -> str:
        where = ": ".join(part for part in (self.file, self.place) if part)
        text = f"{where}: {self.message}" if where else self.message
        if self.hint:
            text += f" (hint: {self.hint})"
        return text

    def located(self, *, file: str | None = None, place: str | None = None) -> InputError:
        """The same error with the file (and place) filled in where they were missing."""
        return InputError(
            self.message, file=self.file or file, place=self.place or place, hint=self.hint
        )


def close_match_hint(word: str, choices: Iterable[str], what: str = "") -> str | None:
    """``did you mean 'X'?`` for the closest of ``choices``, or None when nothing is close."""
    choices = list(choices)
    matches = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    if not matches:
        # Case and accents are the usual culprits in club names ("Junin" for "Junín").
        folded = {_fold(c): c for c in choices}
        hit = folded.get(_fold(word))
        matches = [hit] if hit else []
    if matches:
        return f"did you mean {what + ' ' if what else ''}'{matches[0]}'?"
    return None


def _fold(text: str) -> str:
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
