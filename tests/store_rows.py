"""The store's listed schedules as objects, for assertions (the app never builds these)."""

from __future__ import annotations

from schedtui.core.schedules.store import AccountStore, RowFacts


def rows_of(store: AccountStore) -> dict[str, RowFacts]:
    """ARN -> facts of every listed schedule."""
    return {
        arn: facts for arn in store.columns.listed_arns() if (facts := store.facts(arn)) is not None
    }
