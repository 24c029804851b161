"""A check that a key is free, then its insert, made one step: writers of one key take turns.

In READ COMMITTED two requests adding the same name at once both find it free, and the second
insert fails on the unique index. Each takes this key's lock first, so the second one's check
runs after the first has committed, sees its row, and is answered as a name taken is.
"""

from sqlalchemy import text
from sqlalchemy.orm import Session

# Advisory locks of two keys are apart from those of one (the job runner's, reconciliation's):
# the first key keeps these from ever waiting on them.
_KEYS_BEING_ADDED = 1_617_000_001

_TAKE_TURNS = text("SELECT pg_advisory_xact_lock(:space, hashtext(:key))")


def take_turns_adding(session: Session, kind: str, key: str) -> None:
    """Wait until no other transaction is adding `key` of `kind`; held until this one ends."""
    session.execute(_TAKE_TURNS, {"space": _KEYS_BEING_ADDED, "key": f"{kind}:{key}"})
