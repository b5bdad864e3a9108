"""Widgets the docks are built from."""
