"""Limits on what residents write, shared by forms, services and the API."""

TITLE_MIN, TITLE_MAX = 8, 150
BODY_MIN, BODY_MAX = 20, 5000
ADDRESS_MAX = 300
COMMENT_MIN, COMMENT_MAX = 2, 2000

# An edit after approval whose words keep less than this share of the old text (difflib's ratio over
# words, title and description together) is a rewrite, not a correction: moderators see it first.
# See docs/decisions/0027-withdrawing-and-editing-posts.md.
SUBSTANTIAL_EDIT_SIMILARITY = 0.6
