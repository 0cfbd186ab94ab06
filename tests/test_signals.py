"""Ctrl-C and SIGTERM held back while code that must not stop midway runs
(:mod:`forecast.signals`, and :func:`copa_forecast._options.loading_modules`, which holds
them while a command loads its modules)."""

from __future__ import annotations

import gc
import signal
import threading
from collections.abc import Iterator

import pytest

from copa_forecast import Terminated, _raise_terminated
from copa_forecast._options import loading_modules
from forecast.signals import HELD_SIGNALS, signals_held


@pytest.fixture
def handlers() -> Iterator[None]:
    """SIGTERM and SIGHUP raise Terminated, as in the command (SIGINT keeps Python's
    KeyboardInterrupt); every handler is put back afterwards."""
    before = {signum: signal.getsignal(signum) for signum in HELD_SIGNALS}
    signal.signal(signal.SIGTERM, _raise_terminated)
    signal.signal(signal.SIGHUP, _raise_terminated)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        for signum, handler in before.items():
            signal.signal(signum, handler)


def test_a_signal_in_the_block_is_raised_as_the_block_ends(handlers: None) -> None:
    finished = []
    with pytest.raises(Terminated) as raised, signals_held():
        signal.raise_signal(signal.SIGTERM)
        finished.append("the rest of the block")
    assert finished == ["the rest of the block"]
    assert raised.value.signum == signal.SIGTERM
    assert signal.getsignal(signal.SIGTERM) is _raise_terminated


def test_the_first_signal_is_raised_and_the_handlers_come_back(handlers: None) -> None:
    with pytest.raises(KeyboardInterrupt) as raised, signals_held():
        signal.raise_signal(signal.SIGINT)
        signal.raise_signal(signal.SIGHUP)
    assert not isinstance(raised.value, Terminated)  # Ctrl-C came first
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    assert signal.getsignal(signal.SIGHUP) is _raise_terminated


def test_a_block_without_signals_changes_nothing(handlers: None) -> None:
    with signals_held():
        assert signal.getsignal(signal.SIGTERM) is not _raise_terminated
    assert signal.getsignal(signal.SIGTERM) is _raise_terminated
    with pytest.raises(ValueError), signals_held():
        raise ValueError("a bad file")
    assert signal.getsignal(signal.SIGTERM) is _raise_terminated


def test_outside_the_main_thread_the_block_runs_as_it_is(handlers: None) -> None:
    seen = []

    def work() -> None:
        with signals_held():
            seen.append(signal.getsignal(signal.SIGTERM))

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    assert seen == [_raise_terminated]


def test_loading_modules_holds_signals_and_restores_the_collector(handlers: None) -> None:
    was = gc.isenabled()
    gc.enable()
    try:
        finished = []
        with pytest.raises(Terminated), loading_modules():
            signal.raise_signal(signal.SIGTERM)
            finished.append("loaded")
        assert finished == ["loaded"]
        assert gc.isenabled()
    finally:
        (gc.enable if was else gc.disable)()
