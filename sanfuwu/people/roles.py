"""Who may do what, by role: every set of roles the product grants something to, named once."""

from __future__ import annotations

from sanfuwu.people.models import Role

# Register issues: the grid worker on a visit, the dispatcher on the phone, the administrator.
REGISTRARS = frozenset({Role.VISITOR, Role.DISPATCHER, Role.ADMIN})
