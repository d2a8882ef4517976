"""Sandbox clock: real UTC time plus a persistent, settable offset."""

from datetime import datetime, timedelta, timezone

_KEY = "clock_offset"


class Clock:
    def __init__(self, store):
        self._store = store

    @property
    def offset(self):
        """Offset from real time, in seconds."""
        return float(self._store.get_meta(_KEY, 0))

    def now(self):
        return datetime.now(timezone.utc) + timedelta(seconds=self.offset)

    def advance(self, seconds):
        self._store.set_meta(_KEY, self.offset + float(seconds))
        return self.now()

    def set_now(self, moment):
        real = datetime.now(timezone.utc)
        self._store.set_meta(_KEY, (moment - real).total_seconds())
        return self.now()
