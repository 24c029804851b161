"""What can go wrong with people and pools."""

from app.errors import Conflict, Invalid, NotFound


class RadiologistNotFound(NotFound):
    def __init__(self, radiologist_id: int) -> None:
        super().__init__(f"no radiologist {radiologist_id}")


class UnknownSubspecialty(Invalid):
    def __init__(self, codes: list[str]) -> None:
        super().__init__(f"unknown subspecialty: {', '.join(codes)}")


class SubspecialtyExists(Conflict):
    def __init__(self, code: str) -> None:
        super().__init__(f"subspecialty {code} already exists")
