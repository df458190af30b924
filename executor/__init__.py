"""The async orchestrator (anyio) and the runners that execute jobs."""
