"""The worker: fires deadline reminders and breaches, and runs the delivery jobs."""
