"""The sync keeps a big store's lists out of full garbage collections, a few times a session."""

from __future__ import annotations

import pytest

from schedtui.ui import sync


def test_the_store_is_frozen_as_it_doubles_not_at_every_listing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    freezes: list[int] = []
    monkeypatch.setattr(sync, "_FROZEN", [0])
    monkeypatch.setattr(sync.gc, "freeze", lambda: freezes.append(sync._FROZEN[0]))
    for rows in (1_000, 49_999, 50_000, 60_000, 99_999, 100_000, 100_000, 150_000, 250_000):
        sync.keep_out_of_collections(rows)
    # Small stores cost a collection little; a big one is frozen once per doubling, so the
    # cyclic garbage a freeze keeps stays bounded.
    assert freezes == [0, 50_000, 100_000]
