"""Users, roles, sign-up, sign-in and profiles."""
