"""Notifications: the outbox rows written with each event, and their delivery.

``enqueue`` decides which endpoints an event (or a source-health notice) is
owed to; ``deliver`` sends what is due through the sender of each endpoint's
kind (``senders``), retrying with backoff across runs.
"""
