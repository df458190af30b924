"""Time travel: every entity, config and value as it was at an earlier point of the log."""
