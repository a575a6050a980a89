"""Retention: how long closed cases are kept, legal holds, and the purge that ends them."""
