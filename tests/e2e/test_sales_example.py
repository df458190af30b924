"""examples/sales, run as a user would: CSV in, pandas and numpy, Parquet and a SQL table out."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

SALES = Path(__file__).parents[2] / "examples" / "sales"

pytestmark = pytest.mark.slow


def test_the_sales_example_runs_end_to_end(tmp_path: Path) -> None:
    for name in ("main.py", "sales.csv"):
        shutil.copy(SALES / name, tmp_path / name)
    result = subprocess.run([sys.executable, "main.py"], cwd=tmp_path, capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert lines[0] == "56 clean rows of 59"  # one duplicate, one missing amount, one bad unit count
    assert [line.split(":")[0] for line in lines[1:]] == ["east", "north", "south", "west"]
    clean = pd.read_parquet(tmp_path / "clean.parquet")
    assert len(clean) == 56 and set(clean["region"]) == {"east", "north", "south", "west"}
    with sqlite3.connect(tmp_path / "sales.db") as db:
        prices = dict(db.execute("SELECT region, price FROM prices").fetchall())
    assert set(prices) == {"east", "north", "south", "west"}
    assert all(4.5 <= price <= 5.5 for price in prices.values())  # the CSV's prices are 4.5 to 5.5 per unit
