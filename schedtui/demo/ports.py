"""The demo server's socket: bound and listening before moto is imported anywhere."""

from __future__ import annotations

import socket
from typing import Final

DEMO_HOST: Final = "127.0.0.1"


def listening_socket(host: str = DEMO_HOST) -> socket.socket:
    """A TCP socket on a free port of ``host``, listening (the kernel queues connections) but
    not yet accepting. The demo's parent makes it and hands it to the child process, so the
    port is known at once, whatever the child is still importing or seeding."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.bind((host, 0))
        sock.listen(socket.SOMAXCONN)
    except BaseException:
        sock.close()
        raise
    return sock
