"""A check, then the write it allows, made one step: requests writing one key take turns.

In READ COMMITTED two requests adding the same name at once both find it free, and the second
insert fails on the unique index; two moving the same file out of the quarantine both find it
there, and both move it. Each takes the key's lock first, so the second one's check runs after
the first has committed, and is answered as one sent after it would be.
"""

from sqlalchemy import text
from sqlalchemy.orm import Session

# Advisory locks of two keys are apart from those of one (the job runner's, reconciliation's):
# the first key keeps these from ever waiting on them.
_KEYS_BEING_WRITTEN = 1_617_000_001

_TAKE_TURNS = text("SELECT pg_advisory_xact_lock(:space, hashtext(:key))")


def take_turns(session: Session, kind: str, key: str) -> None:
    """Wait until no other transaction holds `key` of `kind`; held until this one ends."""
    session.execute(_TAKE_TURNS, {"space": _KEYS_BEING_WRITTEN, "key": f"{kind}:{key}"})
