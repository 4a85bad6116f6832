"""Limits on what residents write, shared by forms, services and the API."""

TITLE_MIN, TITLE_MAX = 8, 150
BODY_MIN, BODY_MAX = 20, 5000
ADDRESS_MAX = 300
COMMENT_MIN, COMMENT_MAX = 2, 2000
