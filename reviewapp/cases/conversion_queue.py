"""At most OFFICE_CONVERSIONS_PER_MACHINE LibreOffice runs at a time on a machine, first come first served.

One request with six .docx files queues six preview jobs; each waits here for a
slot. The queue lives in a folder on the machine's own disk (the instance
folder): a waiter takes a ticket from a counter under a file lock and, still under
it, makes its own entry file, on which it holds an exclusive flock for as long as it
waits and converts.
It may start when fewer than `slots` live entries hold smaller tickets. A
process that dies loses its flock, so its entry is recognised as dead (anyone
can lock it) and removed by the next waiter: nothing is left to clean up.
"""
import fcntl
import os
import time
from contextlib import contextmanager
from pathlib import Path


class QueueTimeout(Exception):
    """No slot became free within the wait; `ahead` conversions were still before us."""

    def __init__(self, ahead):
        super().__init__(f"{ahead} conversions ahead")
        self.ahead = ahead


_PREFIX = "entry-"


def _enter(folder):
    """(ticket, entry, descriptor): the next ticket and its entry file, locked. The entry is made
    visible while the counter is still locked, so whoever takes a later ticket sees every earlier
    entry (a waiter counting before an earlier ticket's entry existed let three into two slots)."""
    with open(folder / "tickets", "a+") as counter:
        fcntl.flock(counter, fcntl.LOCK_EX)
        counter.seek(0)
        ticket = int(counter.read().strip() or 0) + 1
        counter.seek(0)
        counter.truncate()
        counter.write(str(ticket))
        counter.flush()
        entry = folder / f"{_PREFIX}{ticket:020d}"
        staging = folder / f".new-{ticket}"
        descriptor = os.open(staging, os.O_CREAT | os.O_RDWR, 0o600)
        fcntl.flock(descriptor, fcntl.LOCK_EX)  # locked before it is visible, so never taken for dead
        os.rename(staging, entry)
        return ticket, entry, descriptor


def _alive(path):
    """True while the entry's owner holds its lock; a dead owner's entry is removed."""
    try:
        descriptor = os.open(path, os.O_RDWR)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(descriptor)
    try:  # we got the lock: its owner is gone
        path.unlink()
    except FileNotFoundError:
        pass
    return False


def live_entries(folder):
    """Tickets of the conversions running or waiting on this machine, in order."""
    folder = Path(folder)
    if not folder.exists():
        return []
    tickets = sorted(int(path.name[len(_PREFIX):]) for path in folder.glob(f"{_PREFIX}*"))
    return [ticket for ticket in tickets if _alive(folder / f"{_PREFIX}{ticket:020d}")]


@contextmanager
def conversion_slot(folder, slots, timeout, poll=0.1):
    """Wait (in arrival order) for one of `slots` conversion slots; raises QueueTimeout."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    ticket, entry, descriptor = _enter(folder)
    try:
        deadline = time.monotonic() + timeout
        while True:
            ahead = sum(1 for other in live_entries(folder) if other < ticket)
            if ahead < max(slots, 1):
                break
            if time.monotonic() >= deadline:
                raise QueueTimeout(ahead)
            time.sleep(poll)
        yield
    finally:
        try:
            entry.unlink()
        finally:
            os.close(descriptor)
