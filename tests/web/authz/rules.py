"""The Rule type of the authorization matrix."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from helpdesk.accounts.roles import ROLES

ALL_ROLES = frozenset(ROLES)
ANY_STAFF = ALL_ROLES
PUBLIC = "public"


@dataclass(frozen=True)
class Rule:
    roles: frozenset[str] | set[str] | str
    methods: tuple[str, ...] = ("GET",)
    url_args: Mapping[str, Any] = field(default_factory=dict)
    setup: Callable[[Any], Mapping[str, Any]] | None = None
    data: Mapping[str, Any] = field(default_factory=dict)
    ok: frozenset[int] | set[int] = frozenset({200})
    denied: frozenset[int] | set[int] = frozenset({403})
    anonymous: frozenset[int] | set[int] = frozenset({302})

    @property
    def is_public(self) -> bool:
        return self.roles == PUBLIC

    def allows(self, role: str | None) -> bool:
        return self.is_public or (role is not None and role in self.roles)
