"""Which destinations ``crawl.allow_private: false`` refuses, as a pure function of an address."""

from __future__ import annotations

import ipaddress

__all__ = ["refusal", "refusal_message"]


def refusal(address: str) -> str | None:
    """Why ``address`` (an IP literal) is not a public destination, or None if it is one.

    Non-IP strings (host names) return None: they are checked once resolved.
    """
    try:
        ip = ipaddress.ip_address(address.strip("[]"))
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return "a loopback address"
    if ip.is_link_local:
        return "a link-local address"
    if ip.is_multicast:
        return "a multicast address"
    if ip.is_unspecified:
        return "an unspecified address"
    if ip.is_reserved:
        return "a reserved address"
    if ip.is_private:
        return "a private address"
    if not ip.is_global:
        return "a reserved address"
    return None


def refusal_message(address: str, reason: str, host: str | None = None) -> str:
    """The message a refused destination is reported with."""
    via = f" ({host} resolves to it)" if host and host != address else ""
    return f"refused: {address} is {reason}{via} (crawl.allow_private is false)"
