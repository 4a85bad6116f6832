"""The PostgreSQL search backend: terms in tsvector columns, written in the post's own transaction."""
