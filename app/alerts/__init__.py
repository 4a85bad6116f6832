"""Follows of a category, a department or an area, and the alerts they bring about new posts."""
