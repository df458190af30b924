"""Audit: the history of entities, replay of the log, re-runs of submissions, and compaction of payloads."""
