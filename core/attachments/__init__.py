"""Attachments and evidence files: storage, type checks, chain of custody."""
