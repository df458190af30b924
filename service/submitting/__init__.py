"""Submitting scenarios, sequences and tasks, and cancelling their jobs."""
