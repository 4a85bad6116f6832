"""Search: the Persian-aware analyzer, the Whoosh index kept in step with the database, similar posts."""
