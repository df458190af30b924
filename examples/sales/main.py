"""Sales: read a CSV, clean it with pandas, fit a price per unit with numpy, write Parquet and a SQL table.

Run it from this folder: ``python main.py`` (needs ``pip install "ledgerflow[sql]"``). The cleaned
rows go to ``clean.parquet``; the fitted price per region to the ``prices`` table of ``sales.db``.
"""

import numpy as np
import pandas as pd

import ledgerflow as lf
from ledgerflow import Config


def clean(raw: pd.DataFrame) -> pd.DataFrame:
    """Drop duplicates and incomplete rows; regions in lower case; numbers and dates typed."""
    rows = raw.drop_duplicates().copy()
    rows["region"] = rows["region"].str.strip().str.lower()
    rows["units"] = pd.to_numeric(rows["units"], errors="coerce")
    rows["amount"] = pd.to_numeric(rows["amount"], errors="coerce")
    rows["date"] = pd.to_datetime(rows["date"])
    return rows.dropna(subset=["units", "amount"]).astype({"units": "int64"}).reset_index(drop=True)


def fit_prices(rows: pd.DataFrame) -> pd.DataFrame:
    """Per region, the least-squares price per unit and fixed part: amount ~ price * units + base."""
    fitted = []
    for region, group in rows.groupby("region"):
        price, base = np.polyfit(group["units"].to_numpy(float), group["amount"].to_numpy(float), 1)
        fitted.append({"region": region, "price": round(float(price), 4), "base": round(float(base), 4)})
    return pd.DataFrame(fitted)


raw_cfg = Config.configure_csv_data_node("raw_sales", default_path="sales.csv")
clean_cfg = Config.configure_parquet_data_node("clean_sales", default_path="clean.parquet")
prices_cfg = Config.configure_sql_table_data_node(
    "prices", db_engine="sqlite", db_name="sales", sqlite_folder_path=".", table_name="prices"
)
clean_task = Config.configure_task("clean", clean, raw_cfg, clean_cfg, skippable=True)
fit_task = Config.configure_task("fit_prices", fit_prices, clean_cfg, prices_cfg, skippable=True)
scenario_cfg = Config.configure_scenario("sales", [clean_task, fit_task])

if __name__ == "__main__":
    lf.Orchestrator().run()
    scenario = lf.create_scenario(scenario_cfg)
    lf.submit(scenario, wait=True)
    print(f"{len(scenario.clean_sales.read())} clean rows of {len(scenario.raw_sales.read())}")
    for row in scenario.prices.read().itertuples():
        print(f"{row.region}: {row.price:.2f} per unit + {row.base:.2f}")
