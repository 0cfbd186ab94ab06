"""Ctrl-C, SIGTERM and SIGHUP held back while code that must not stop midway runs.

Python raises KeyboardInterrupt (and the command line's ``Terminated``) wherever the main
thread is when the signal comes. Inside a library that can go wrong: pydantic building a
model wraps it into a SchemaError (a traceback instead of one line), an import guarded by a
bare ``except`` swallows it (the signal is lost and the run goes on), and a rename or a
lock may be left half-done. Within :func:`signals_held` the signals are noted, and the
first is raised again as the block ends, in the caller's code.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["HELD_SIGNALS", "signals_held"]

#: The signals that stop a command: Ctrl-C, a job runner's kill, a closed terminal.
HELD_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


@contextmanager
def signals_held() -> Iterator[None]:
    """Note :data:`HELD_SIGNALS` until the block ends, then raise the first again (the
    handlers in place before the block act on it: KeyboardInterrupt, ``Terminated``, or the
    default of ending the process).

    A signal mask would not do: Python runs its handlers in the main thread whichever
    thread the signal reached, and numba's worker threads do not block it. Outside the main
    thread (where handlers cannot be changed) the block runs as it is.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    pending: list[int] = []

    def note(signum: int, frame: object) -> None:
        pending.append(signum)

    previous = {signum: signal.signal(signum, note) for signum in HELD_SIGNALS}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        if pending:
            signal.raise_signal(pending[0])
