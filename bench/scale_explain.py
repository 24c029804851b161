"""EXPLAIN of the hot queries on a filled database."""


def explain_hot_queries(database_url: str) -> None:
    pass
