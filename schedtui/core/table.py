"""What a table shows, as data: its columns and its rows (no widget here).

The store builds rows in worker threads and keeps them; the virtual table renders them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal


@dataclass(frozen=True, slots=True)
class Column:
    """One column: `width` is its minimum width in cells; `flex` columns share spare width.

    `live` formats a cell that is not text against the table's clock (see the module's
    docstring); text cells of a live column are shown as they are.
    """

    key: str
    label: str
    width: int
    flex: bool = False
    align: Literal["left", "right"] = "left"
    live: Callable[[Any, datetime], str] | None = None

    def __post_init__(self) -> None:
        if self.width < 1:
            raise ValueError(f"column {self.key!r}: width must be at least 1, not {self.width}")


@dataclass(frozen=True, slots=True)
class TableRow:
    """One row. `cells` are plain text shown literally (never parsed as markup), or for a
    live column a value its formatter takes.

    `sort_keys[i]` is the value column i sorts by (the cell text when missing); `None` sorts
    last in both directions. `style` picks a component class: "", "dim", "warning", "error".
    """

    key: str
    cells: tuple[Any, ...]
    sort_keys: tuple[Any, ...] = ()
    style: str = ""
