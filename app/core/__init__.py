"""Cross-cutting helpers: database setup, permissions, errors, pagination, redirects, dates, text."""
