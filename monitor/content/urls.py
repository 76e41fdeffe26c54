"""One spelling per document URL.

Scheme and host are lower-cased, default ports and fragments dropped,
tracking and cache-busting parameters removed and the remaining query
sorted. Identifying parameters (``?idxno=204815``, ``?id=…``) stay.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

__all__ = ["canonical_url", "is_tracking_param"]

_TRACKING = frozenset((
        "fbclid", "gclid", "dclid", "gbraid", "wbraid", "yclid", "msclkid", "mc_cid", "mc_eid",
        "igshid", "spm", "scm", "ref", "ref_src", "ref_url", "referrer", "from", "share", "shareid",
        "share_from", "sessid", "sid", "jsessionid", "phpsessid", "aspsessionid", "sessionid",
        "session_id", "cid_track", "_hsenc", "_hsmi", "mkt_tok", "vero_id", "oly_anon_id", "oly_enc_id",
        "wt.mc_id", "cmpid", "icid", "ncid", "ocid", "__cf_chl_tk", "csrf", "csrf_token", "_csrf",
        "token", "xtor", "isappinstalled", "scene", "clicktime", "enterid",
    ))
_TRACKING_PREFIXES = ("utm_", "hmsr", "pk_", "mtm_", "ga_", "_ga", "stm_")
_CACHE_BUSTERS = frozenset((
        "v", "t", "_", "ts", "time", "timestamp", "cb", "cachebust", "cachebuster", "nocache", "rnd",
        "rand", "random", "r", "_t", "_dc", "ver",
    ))
_ID_LIKE = re.compile(
    r"id|no$|^(?:p|page|article|doc|item|news|post|n|a|key|aid|nid|cid|code)$", re.IGNORECASE
)
_HEX_TOKEN = re.compile(
    r"(?=[0-9a-f]*[a-f])[0-9a-f]{8,}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I
)
_NUMERIC_STAMP = re.compile(r"\d{8,}(?:\.\d+)?")
_DEFAULT_PORTS = {"http": 80, "https": 443}


def is_tracking_param(key: str, value: str) -> bool:
    """True for a query parameter that never identifies the document."""
    low = key.lower()
    if low in _TRACKING or low.startswith(_TRACKING_PREFIXES):
        return True
    if low in _CACHE_BUSTERS and (_NUMERIC_STAMP.fullmatch(value) or _HEX_TOKEN.fullmatch(value)):
        return True
    return bool(_HEX_TOKEN.fullmatch(value)) and not _ID_LIKE.search(low)


def canonical_url(url: str) -> str:
    """The canonical spelling of ``url`` (see the module docstring)."""
    url = url.strip()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return url
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    netloc = host
    if parts.username or parts.password:
        cred = parts.username or ""
        if parts.password:
            cred += ":" + parts.password
        netloc = f"{cred}@{host}"
    if port is not None and port != _DEFAULT_PORTS.get(scheme):
        netloc += f":{port}"
    path = parts.path or ("/" if host else "")
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not is_tracking_param(k, v)]
    return urlunsplit((scheme, netloc, path, urlencode(sorted(query)), ""))
