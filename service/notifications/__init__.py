"""Events delivered from the log and subscriptions to job status changes."""
