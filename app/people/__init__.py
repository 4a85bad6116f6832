"""Residents' public profiles: what they brought to the city, shown only if they choose to."""
