"""Errors raised by the pure domain layer."""

from __future__ import annotations


class ExpressionError(ValueError):
    """A schedule expression that EventBridge Scheduler would reject.

    The message always names the field, the offending token and the rule, because an
    operator fixing an expression at 3 a.m. needs to know exactly what to change:
    ``day-of-week: '8' is outside 1-7 (1 = Sunday)``.
    """

    def __init__(self, field: str, token: str, rule: str) -> None:
        self.field = field
        self.token = token
        self.rule = rule
        super().__init__(f"{field}: '{token}' {rule}")


class ZoneError(ValueError):
    """A time zone name that is not a known IANA zone."""
