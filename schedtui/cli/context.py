"""Where a command's AWS context comes from, for the TUI and every scripting subcommand
alike: the flags (then the environment and the AWS config files, as botocore reads them,
checked by ``aws/preflight.py``), or the embedded demo.

One place, so that ``schedtui list`` and the TUI can never disagree on which account and
region they talk to, or on where the audit log goes.
"""

from __future__ import annotations

import argparse
import importlib.util
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from schedtui.aws.preflight import PreflightError, preflight
from schedtui.aws.session import AwsSettings
from schedtui.demo.server import DemoBackend

DEMO_EXTRA = "the demo needs the demo extra: pip install 'schedtui[demo]'"


class ContextError(Exception):
    """One line that names the problem and the fix; the command exits 2 (usage)."""


@dataclass(frozen=True)
class Context:
    settings: AwsSettings
    # None: the operator's own audit log (aws/audit.py: default_audit_path).
    audit_path: Path | None = None
    demo: DemoBackend | None = None


def demo_installed() -> bool:
    """Whether the demo extra (moto's server) is installed: without it the demo's child
    process would die at its first import, and the app would wait for an endpoint that never
    answers."""
    return all(importlib.util.find_spec(name) is not None for name in ("moto", "flask"))


def flag_settings(args: argparse.Namespace) -> AwsSettings:
    return AwsSettings(
        profile=args.profile,
        region=args.region,
        endpoint_url=args.endpoint_url,
        read_only=args.read_only,
    )


@contextmanager
def aws_context(
    args: argparse.Namespace, *, wait: bool = True, now: datetime | None = None
) -> Iterator[Context]:
    """The checked settings for ``args``; with ``--demo``, the demo's server for as long as
    the block runs (``wait=False``: return before it has seeded; its first answers wait).
    Raises ContextError before anything starts."""
    if not args.demo:
        try:
            settings = preflight(flag_settings(args))
        except PreflightError as problem:
            raise ContextError(str(problem)) from None
        yield Context(settings)
        return
    if not demo_installed():
        raise ContextError(DEMO_EXTRA)
    with ExitStack() as stack:
        # The demo's moto server: never AWS, whatever profile or endpoint was given. The
        # simulator derives a week of metrics from every fire time: fine for the curated demo,
        # far too slow for --demo-size 100000, which is for list-scale testing.
        size = getattr(args, "demo_size", None)
        demo = DemoBackend(size=size, simulate=size is None, wait=wait, now=now)
        settings = replace(stack.enter_context(demo), read_only=args.read_only)
        # The demo's writes are not the operator's: their audit lines go to a directory that
        # goes away with the demo, never into the real log.
        audit_dir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="schedtui-demo-")))
        yield Context(settings, audit_dir / "audit.jsonl", demo)
