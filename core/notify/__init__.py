"""Telling staff what needs them: e-mail, in-app notices, webhooks for integrations."""
