"""Receipts: how a complainant without an account follows up on a public submission."""
