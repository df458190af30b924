"""Scenario commands: creating scenarios (with their shared nodes and cycles) and deleting entities."""
