"""Imports every sender module, so that each registers itself in ``SENDERS``."""
