"""Task functions on DataFrames (module-level, so worker processes import them)."""

from __future__ import annotations

import pandas as pd


def by_region(rows: pd.DataFrame) -> pd.DataFrame:
    """Total amount per region, sorted by region."""
    return rows.groupby("region", as_index=False)["amount"].sum().sort_values("region").reset_index(drop=True)


def doubled(rows: pd.DataFrame) -> pd.DataFrame:
    """Every amount doubled."""
    return rows.assign(amount=rows["amount"] * 2)
