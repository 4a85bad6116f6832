"""Departments of the city, their triage dashboard, responses and statistics."""
