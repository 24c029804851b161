"""Who is calling: the identity every route receives."""

from dataclasses import dataclass

from app.vocabulary import Role


@dataclass(frozen=True, slots=True)
class Principal:
    token_id: int
    name: str
    role: Role
    radiologist_id: int | None

    @property
    def actor(self) -> str:
        """How this caller is named in audit rows and task history."""
        return f"token:{self.token_id}:{self.name}"
