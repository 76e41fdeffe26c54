"""Imports every sender module, so that each registers itself in ``SENDERS``."""

from monitor.notify import apprise_sender, email, webhook

__all__ = ["apprise_sender", "email", "webhook"]
