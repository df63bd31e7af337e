"""Turning results into words for the prose."""
