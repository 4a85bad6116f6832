""" "Is it fixed?": residents confirm or dispute a department's resolution of a problem."""
