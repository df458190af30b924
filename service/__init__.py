"""The service layer: commands and queries over the log, and the composition root."""
