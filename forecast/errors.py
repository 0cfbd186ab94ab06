"""The one exception a user can cause: a bad input file, option or reference.

Every message names the file, the place in it and what is wrong, and gives a hint where one
helps. The CLI prints ``str(error)`` as one line and exits with status 2.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

__all__ = ["InputError", "close_match_hint", "fold"]


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
        # One line whatever the input holds: a name with a newline or a control character
        # (they come from user files) is shown escaped.
        return "".join(_escape(ch) for ch in text)

    def located(self, *, file: str | None = None, place: str | None = None) -> InputError:
        """The same error with the file (and place) filled in where they were missing."""
        return InputError(
            self.message, file=self.file or file, place=self.place or place, hint=self.hint
        )


def close_match_hint(word: str, choices: Iterable[str], what: str = "") -> str | None:
    """``did you mean 'X'?`` for the closest of ``choices``, or None when nothing is close.

    A choice equal to ``word`` but for case, accents or spaces ("Junin" for "Junín") wins
    over a merely similar one, and the hint says that names are matched exactly.
    """
    choices = [c for c in choices if isinstance(c, str)]
    article = f"{what} " if what else ""
    folded = fold(word)
    same = [c for c in choices if fold(c) == folded]
    if same:
        return (
            f"did you mean {article}'{same[0]}'? names must be written exactly as declared, "
            "with the same case, accents and spaces"
        )
    matches = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    if matches:
        return f"did you mean {article}'{matches[0]}'?"
    return None


def fold(text: str) -> str:
    """A name's identity: compatibility forms, case, accents and extra spaces ignored.

    Two club names with the same fold are one club written two ways ("Junín " and "junin"):
    the loader rejects such a pair, and a reference that matches a club only after folding
    gets a did-you-mean hint.
    """
    import unicodedata

    text = " ".join(unicodedata.normalize("NFKC", text).split())
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def _escape(ch: str) -> str:
    import unicodedata

    if unicodedata.category(ch) in ("Cc", "Zl", "Zp"):
        return ch.encode("unicode_escape").decode("ascii")
    return ch
