"""Request-rate limiters shared by the threads of one repository; two, for two needs.

``AdaptiveRateLimiter`` (GetSchedule, by the details cache's fetching pool): a token bucket
with a burst, whose rate halves on throttling and creeps back on success, so a pool of
fetchers runs as fast as the account's quota lets it.

``RateLimiter`` (LookupEvents): a fixed spacing, fair between threads. CloudTrail's
LookupEvents allows 2 requests per second per account and region; a faster caller is
throttled, and botocore's retries only delay the failure. The UI may ask for two histories
at once (a schedule's and its group's), so the slots are handed out under a lock: each
caller reserves the next free instant, then sleeps until it, outside the lock.
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


class AdaptiveRateLimiter:
    """A token bucket shared by the fetching threads: at most ``rate`` calls per second.

    Throttling halves the rate (at most once a second, so one burst of refusals counts
    once); each success wins a little of it back, up to the ceiling.
    """

    def __init__(self, rate: float, burst: int = 10) -> None:
        self.ceiling = rate
        self.rate = rate
        self.burst = burst
        self._tokens = float(burst)
        self._stamp = time.monotonic()
        self._slowed_at = 0.0
        self._lock = threading.Lock()

    def acquire(self) -> None:
        while True:
            with self._lock:
                now = time.monotonic()
                self._tokens = min(self.burst, self._tokens + (now - self._stamp) * self.rate)
                self._stamp = now
                if self._tokens >= 1:
                    self._tokens -= 1
                    return
                wait = (1 - self._tokens) / self.rate
            time.sleep(wait)

    def slow_down(self) -> None:
        with self._lock:
            now = time.monotonic()
            if now - self._slowed_at >= 1.0:
                self.rate = max(1.0, self.rate / 2)
                self._slowed_at = now

    def succeeded(self) -> None:
        with self._lock:
            self.rate = min(self.ceiling, self.rate + self.ceiling / 50)
