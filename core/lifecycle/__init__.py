"""A complaint's life after intake: acknowledgement, investigation, decision, response, appeal."""
