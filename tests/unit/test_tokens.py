from app.auth.tokens import TOKEN_PREFIX, display_prefix, generate_token, hash_token


def test_tokens_are_random_and_recognisable() -> None:
    first, second = generate_token(), generate_token()
    assert first != second
    assert first.startswith(TOKEN_PREFIX)
    assert len(first) > 40


def test_hash_is_stable_and_hides_the_token() -> None:
    token = generate_token()
    assert hash_token(token) == hash_token(token)
    assert token not in hash_token(token)
    assert len(hash_token(token)) == 64


def test_display_prefix_is_short() -> None:
    token = generate_token()
    assert token.startswith(display_prefix(token))
    assert len(display_prefix(token)) < 12
