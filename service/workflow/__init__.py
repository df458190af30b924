"""d6tflow's workflow verbs over scenarios: preview, run, reset, and their plans and summaries."""
