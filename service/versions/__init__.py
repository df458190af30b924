"""Application versions: choosing the run's version, managing versions, and migrations."""
