"""Deadlines of a case: counted from the tenant's policy, stopped on hold, extended with reasons."""
