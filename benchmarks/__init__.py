"""ledgerflow's benchmarks: ``python -m benchmarks [--quick] [--only NAME[,NAME]] [--repeat N]``.

Every workload runs in a fresh subprocess (see ``harness``); ``registry`` lists them and their
targets (``/work/shared/BENCHMARKS.md`` is the contract). Nothing here is part of the test suite.
"""
