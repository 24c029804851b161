"""Kinds of expected failure: domain errors subclass one; the API maps each kind to a status."""


class DomainError(Exception):
    """An expected failure with a message meant for the caller."""


class NotFound(DomainError):
    pass


class Conflict(DomainError):
    pass


class Invalid(DomainError):
    pass


class Forbidden(DomainError):
    pass


class PreconditionRequired(DomainError):
    """A change that must name the state it replaces, sent without naming it."""
