from app.api.limits import PollingRateLimit

TASKS = ("GET", "/api/v1/tasks")


def test_a_bucket_refills_at_the_sustained_rate() -> None:
    limit = PollingRateLimit(per_minute=60, burst=2, routes=frozenset({TASKS}))
    assert limit._spend(1, now=100.0) == 0
    assert limit._spend(1, now=100.0) == 0
    assert limit._spend(1, now=100.0) == 1.0
    assert limit._spend(1, now=101.0) == 0


def test_tokens_have_buckets_of_their_own() -> None:
    limit = PollingRateLimit(per_minute=60, burst=1, routes=frozenset({TASKS}))
    assert limit._spend(1, now=0.0) == 0
    assert limit._spend(2, now=0.0) == 0


def test_other_routes_and_a_zero_rate_are_not_limited() -> None:
    off = PollingRateLimit(per_minute=0, burst=1, routes=frozenset({TASKS}))
    on = PollingRateLimit(per_minute=1, burst=1, routes=frozenset({TASKS}))
    for _ in range(5):
        off.check(1, *TASKS)
        on.check(1, "POST", "/api/v1/tasks")
