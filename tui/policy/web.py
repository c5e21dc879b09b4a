"""HTTP requests, whether submitted as `METHOD URL` or made with curl, wget or httpie.

`curl -X DELETE https://api.example.com/v1/projects/1` and an `http` action `DELETE https://…` are the same
request, so both become the same facts: method, URL, host and path.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from tui.policy.units import Http

_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE", "TRACE", "CONNECT"})
_DATA = ("-d", "--data", "--data-raw", "--data-binary", "--data-urlencode", "-F", "--form", "--json")
_HOSTISH = re.compile(r"^(?:[\w.-]+@)?(?:localhost|[\w-]+(?:\.[\w-]+)+|\[[0-9a-f:]+\])(?::\d+)?(?:/|$)", re.I)


def parse_request(text: str) -> Http:
    """`METHOD URL` (the `http` action form); a bare URL is a GET."""
    parts = text.split()
    if parts and parts[0].upper() in _METHODS:
        return make(parts[0].upper(), parts[1] if len(parts) > 1 else "")
    return make("GET", parts[0] if parts else "")


def make(method: str, url: str) -> Http:
    target = url if "://" in url else f"http://{url}"
    try:
        split = urlsplit(target)
        host = (split.hostname or "").lower()
        path = split.path or "/"
        port = f":{split.port}" if split.port else ""
    except ValueError:
        host, path, port = "", "/", ""
    return Http(method, url, host + port, path)


def from_client(tool: str, flags: dict[str, frozenset[str]], positionals: list[str]) -> Http | None:
    """The request a curl/wget/httpie command line makes (its first URL), or None if there is none."""
    method = ""
    urls = [u for u in flags.get("--url", ()) if u]
    if tool in ("http", "https", "xh", "xhs") and positionals and positionals[0].upper() in _METHODS:
        method, positionals = positionals[0].upper(), positionals[1:]
    urls += [p for p in positionals if "://" in p or _HOSTISH.match(p)]
    if not urls:
        return None
    explicit = [v for name in ("-X", "--request", "--method") for v in sorted(flags.get(name, ())) if v]
    if explicit:
        method = explicit[0].upper()
    elif not method:
        method = _implied(tool, flags)
    return make(method, urls[0])


def _implied(tool: str, flags: dict[str, frozenset[str]]) -> str:
    keys = flags.keys()
    if keys & {"-T", "--upload-file"}:
        return "PUT"
    if keys & {"-I", "--head"}:
        return "HEAD"
    if "-G" in keys or "--get" in keys:
        return "GET"
    if keys & set(_DATA) or keys & {"--post-data", "--post-file"}:
        return "POST"
    return "GET"
