"""Email in and out: the SMTP intake listener and the transactional outbox."""
