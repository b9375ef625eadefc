"""A token bucket per sender: nothing else stops a phone flooding the room with events."""

from __future__ import annotations

import threading


class Buckets:
    def __init__(self, capacity: float, per_second: float):
        self.capacity = capacity
        self.per_second = per_second
        self._state: dict[str, tuple[float, float]] = {}  # key -> (tokens, at seconds)
        self._lock = threading.Lock()

    def take(self, key: str, now_s: float) -> bool:
        """Spend one token for `key` at `now_s`; False when its bucket is empty."""
        with self._lock:
            tokens, at = self._state.get(key, (self.capacity, now_s))
            tokens = min(self.capacity, tokens + (now_s - at) * self.per_second)
            if tokens < 1:
                self._state[key] = (tokens, now_s)
                return False
            self._state[key] = (tokens - 1, now_s)
            return True
