"""Calls for ideas (فراخوان): a department asks residents a question, for a while, and answers in public."""
