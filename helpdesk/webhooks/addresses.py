"""The SSRF guard: a webhook may reach only public addresses, unless an admin allowed more.

The host is resolved and every address it resolves to is checked (a name with one public
and one private address is refused). Checked when a subscription is saved and again before
each send, since DNS may change between the two; the connection then goes to the address
that was checked, so a second lookup cannot swap it.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
SCHEMES = {"http": 80, "https": 443}


class UnsafeUrl(ValueError):
    """A URL the worker will not call; ``reason``: scheme, host, credentials, resolve,
    private."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str           # as written (for Host, TLS SNI and the certificate)
    port: int
    path: str           # path and query
    addresses: tuple[IPAddress, ...]


def _embedded_ipv4(address: IPAddress) -> ipaddress.IPv4Address | None:
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return address.ipv4_mapped
        if address.sixtofour is not None:
            return address.sixtofour
        if address.teredo is not None:
            return address.teredo[1]
    return None


def is_forbidden(address: IPAddress) -> bool:
    """Private, loopback, link-local, multicast, reserved, unspecified, or otherwise not
    globally reachable (shared address space, documentation ranges …)."""
    embedded = _embedded_ipv4(address)
    if embedded is not None and is_forbidden(embedded):
        return True
    return (address.is_private or address.is_loopback or address.is_link_local
            or address.is_multicast or address.is_reserved or address.is_unspecified
            or not address.is_global)


def parse_url(url: str) -> SplitResult:
    parts = urlsplit((url or "").strip())
    if parts.scheme.lower() not in SCHEMES:
        raise UnsafeUrl("scheme", parts.scheme)
    if parts.username is not None or parts.password is not None:
        raise UnsafeUrl("credentials")
    try:
        parts.port  # noqa: B018  (raises on a port that is not a number or out of range)
    except ValueError:
        raise UnsafeUrl("host", "port") from None
    if not parts.hostname:
        raise UnsafeUrl("host")
    return parts


def resolve(host: str, port: int) -> tuple[IPAddress, ...]:
    try:
        return (ipaddress.ip_address(host),)
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise UnsafeUrl("resolve", str(exc)) from None
    addresses: list[IPAddress] = []
    for _family, _type, _proto, _name, sockaddr in infos:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise UnsafeUrl("resolve", "no address")
    return tuple(addresses)


def check_url(url: str, *, allow_private: bool) -> Target:
    """The URL's target with its checked addresses; UnsafeUrl when it may not be called."""
    parts = parse_url(url)
    scheme = parts.scheme.lower()
    host = parts.hostname or ""
    port = parts.port or SCHEMES[scheme]
    addresses = resolve(host, port)
    if not allow_private:
        refused = [str(a) for a in addresses if is_forbidden(a)]
        if refused:
            raise UnsafeUrl("private", ", ".join(refused))
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return Target(scheme, host, port, path, addresses)
