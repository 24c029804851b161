"""Who is acting: a token holder or a signed-in person over HTTP, a DICOM peer, or the service."""

from dataclasses import dataclass

from app.vocabulary import Role


@dataclass(frozen=True, slots=True)
class Principal:
    name: str
    role: Role | None
    token_id: int | None = None
    radiologist_id: int | None = None
    source_address: str | None = None
    user_id: int | None = None  # a person signed in to the pages, rather than a token holder

    @classmethod
    def system(cls, component: str) -> "Principal":
        """The service acting on its own, e.g. a background job."""
        return cls(name=f"system:{component}", role=None)

    @classmethod
    def dicom_peer(cls, calling_ae_title: str, address: str | None) -> "Principal":
        return cls(name=f"ae:{calling_ae_title}", role=None, source_address=address)

    @property
    def actor(self) -> str:
        """How this principal is named in audit rows and task history."""
        if self.token_id is not None:
            return f"token:{self.token_id}:{self.name}"
        if self.user_id is not None:
            return f"user:{self.user_id}:{self.name}"
        return self.name
