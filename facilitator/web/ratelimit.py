"""Token buckets: per phone, per day and per address, so no one sender can flood the room.

Each bucket holds `capacity` tokens and refills at `per_second`; a request spends one.
"""

from __future__ import annotations

import threading


MAX_KEYS = 10_000  # buckets kept at once; full ones are forgotten first, as they hold nothing


class Buckets:
    def __init__(self, capacity: float, per_second: float):
        self.capacity = capacity
        self.per_second = per_second
        self._state: dict[str, tuple[float, float]] = {}  # key -> (tokens, at seconds)
        self._lock = threading.Lock()

    def take(self, key: str, now_s: float) -> bool:
        """Spend one token for `key` at `now_s`; False when its bucket is empty."""
        with self._lock:
            if key not in self._state and len(self._state) >= MAX_KEYS:
                self._forget_full(now_s)
            tokens, at = self._state.get(key, (self.capacity, now_s))
            tokens = min(self.capacity, tokens + (now_s - at) * self.per_second)
            if tokens < 1:
                self._state[key] = (tokens, now_s)
                return False
            self._state[key] = (tokens - 1, now_s)
            return True

    def wait_s(self, key: str, now_s: float) -> float:
        """Seconds until `key` may spend a token again."""
        with self._lock:
            tokens, at = self._state.get(key, (self.capacity, now_s))
        tokens = min(self.capacity, tokens + (now_s - at) * self.per_second)
        return 0.0 if tokens >= 1 or self.per_second <= 0 else (1 - tokens) / self.per_second

    def _forget_full(self, now_s: float) -> None:
        for key, (tokens, at) in list(self._state.items()):
            if tokens + (now_s - at) * self.per_second >= self.capacity:
                del self._state[key]
        if len(self._state) >= MAX_KEYS:  # all busy: the oldest go
            for key in sorted(self._state, key=lambda k: self._state[k][1])[: MAX_KEYS // 10]:
                del self._state[key]
