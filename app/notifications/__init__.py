"""In-app notifications, e-mail preferences, the outbox and the daily digest."""
