"""The pure model: configs, aggregates and their events, status rules, DAG and cycles.

Nothing in this package does file, database or network I/O.
"""
