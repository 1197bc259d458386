"""A request-rate limiter shared by the threads of one repository.

CloudTrail's LookupEvents allows 2 requests per second per account and region; a faster
caller is throttled, and botocore's retries only delay the failure. The UI may ask for two
histories at once (a schedule's and its group's), so the slots are handed out under a lock:
each caller reserves the next free instant, then sleeps until it, outside the lock.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class RateLimiter:
    def __init__(
        self,
        per_second: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.interval = 1.0 / per_second
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._next: float | None = None  # the earliest instant the next request may go

    def wait(self) -> float:
        """Block until a request may be sent; the seconds slept (0 when none were needed)."""
        with self._lock:
            now = self._clock()
            start = now if self._next is None else max(now, self._next)
            self._next = start + self.interval
        delay = start - now
        if delay > 0:
            self._sleep(delay)
        return delay
