"""Where a webhook may be sent: http(s) URLs whose host resolves only to public addresses.

Checked when a subscription is created (BAD_USER_INPUT on field "url") and again before every
delivery, on the addresses the request then connects to: a host that resolved to a public
address at creation can resolve to 127.0.0.1 later (DNS rebinding). Developers and tests
receive on loopback with WEBHOOK_ALLOW_PRIVATE_URLS on."""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

from core.errors import InvalidInput

MAX_URL = 2000
SCHEMES = {"http": 80, "https": 443}
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class Refused(Exception):
    """The URL may not be called; the message says why (shown to the subscriber)."""


@dataclass(frozen=True, slots=True)
class Target:
    scheme: str
    host: str  # as written (the Host header and the TLS server name)
    port: int
    netloc: str
    path: str  # path and query, at least "/"


def parse(url: str) -> Target:
    if len(url) > MAX_URL:
        raise Refused(f"url must be at most {MAX_URL} characters")
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise Refused("url is not a valid URL") from None
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        raise Refused("url must be an http or https URL")
    if not parts.hostname:
        raise Refused("url must name a host")
    if parts.username is not None or parts.password is not None:
        raise Refused("url must not carry a user name or password")
    path = parts.path or "/"
    if parts.query:
        path += f"?{parts.query}"
    netloc = parts.netloc.rsplit("@", 1)[-1]
    return Target(scheme, parts.hostname, port or SCHEMES[scheme], netloc, path)


def non_public(ip: IPAddress) -> bool:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # ::ffff:127.0.0.1 is loopback
    return (
        ip.is_loopback
        or ip.is_private
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global  # shared (100.64/10), documentation and other special ranges
    )


def literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def resolve(target: Target) -> list[IPAddress]:
    """Every address the host resolves to; Refused when one is not public (unless allowed).
    All of them: a client may connect to any, and an attacker needs only one."""
    try:
        infos = socket.getaddrinfo(target.host, target.port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError):
        raise Refused(f"url: the host {target.host} does not resolve") from None
    found: list[IPAddress] = []
    for info in infos:
        ip = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if ip not in found:
            found.append(ip)
    if not found:
        raise Refused(f"url: the host {target.host} does not resolve")
    if not settings.WEBHOOK_ALLOW_PRIVATE_URLS:
        for ip in sorted(found, key=lambda ip: (ip.version, int(ip))):  # stable messages
            if non_public(ip):
                where = str(ip) if literal(target.host) == ip else f"{target.host} resolves to {ip}"
                raise Refused(f"url must not point to a non-public address: {where}")
    return found


def checked(url: str) -> tuple[Target, list[IPAddress]]:
    """For a service: the same checks, as BAD_USER_INPUT on field "url"."""
    try:
        target = parse(url)
        return target, resolve(target)
    except Refused as exc:
        raise InvalidInput(str(exc), "url") from None
