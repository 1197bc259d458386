"""The demo's moto server in a process of its own: ``python -m schedtui.demo.child CONFIG``.

Why a process: moto holding 100,000 schedules takes ~200 MB and answers every call in Python;
inside the TUI's process both counted against the UI (its memory, and the GIL: keys waited
while moto worked). Here moto has an interpreter, and a core, of its own.

The conversation with the parent (``schedtui.demo.server.DemoBackend``):

- ``CONFIG``: a JSON object with ``size``, ``now`` (ISO-8601 or null), ``seed``, ``region``,
  ``simulate`` and ``live`` (see ``EmbeddedDemo``).
- ``socket_fd`` in the config: the listening socket the parent bound and passed down (so the
  parent knew the port at once; requests wait in the socket's backlog until the data is
  seeded).
- stdout, one JSON object per line: ``{"ready": {...figures}}`` or ``{"failed": MESSAGE}``
  (the traceback goes to stderr).
- stdin is never written to. Its end-of-file means the parent closed it (``stop``) or died
  (the kernel closed its end): either way this process ends at once, with nothing to save.
  As a second guard it also ends when its parent process changes, in case the pipe's write
  end leaked into another process.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import threading
import time
import traceback
from collections.abc import Sequence
from dataclasses import asdict
from datetime import datetime
from typing import Any, Final

from schedtui.demo.embedded import EmbeddedDemo

_PARENT_CHECK_SECONDS: Final = 1.0


def _say(message: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def _end_when_stdin_closes() -> None:
    def watch() -> None:
        while sys.stdin.buffer.read(4096):
            pass  # nothing is ever sent; read until end-of-file
        os._exit(0)  # moto's state is in memory only: nothing to flush or save

    threading.Thread(target=watch, name="schedtui-demo-stdin", daemon=True).start()


def _end_when_parent_changes(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(_PARENT_CHECK_SECONDS)
    os._exit(0)


def main(argv: Sequence[str]) -> int:
    parent = os.getppid()
    _end_when_stdin_closes()
    config = json.loads(argv[0])
    sock = socket.socket(fileno=config["socket_fd"])
    started = time.perf_counter()
    now = config.get("now")
    demo = EmbeddedDemo(
        size=config.get("size"),
        now=None if now is None else datetime.fromisoformat(now),
        seed=config.get("seed", True),
        region=config["region"],
        simulate=config.get("simulate", False),
        live=config.get("live", True),
        sock=sock,
    )
    try:
        demo.start()
    except BaseException as error:
        traceback.print_exc()
        _say({"failed": f"{type(error).__name__}: {error}"})
        return 1
    simulator = demo.simulator
    backfill = None if simulator is None else simulator.backfill_result
    _say(
        {
            "ready": {
                "seconds": time.perf_counter() - started,
                "seed": None if demo.seed_result is None else asdict(demo.seed_result),
                "resources": None
                if demo.resources_result is None
                else asdict(demo.resources_result),
                "backfill": None if backfill is None else asdict(backfill),
            }
        }
    )
    _end_when_parent_changes(parent)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
