"""The two-column "label  value" table the detail view, DLQ peek and help share."""

from __future__ import annotations

from rich.table import Table


def label_table() -> Table:
    """Bold labels that never wrap; values folded at the width (never cut with an ellipsis:
    an ARN or an error message has to be readable whole, and has no spaces to wrap at)."""
    table = Table(box=None, show_header=False, padding=(0, 2, 0, 0))
    table.add_column(style="bold", no_wrap=True)
    table.add_column(overflow="fold")
    return table
