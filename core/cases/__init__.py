"""Complaint cases: registration, parties, correspondence."""
