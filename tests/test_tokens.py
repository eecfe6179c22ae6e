"""Token verification: HS256 in development, RS256 against a JWKS file; exp/aud/iss enforced."""

from __future__ import annotations

import json
import time
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from kra_api.auth.tokens import InvalidToken, TokenVerifier, issue_token
from kra_api.config import Settings


def _claims(**override: object) -> dict[str, object]:
    now = int(time.time())
    claims: dict[str, object] = {
        "org": "acme",
        "roles": ["hr"],
        "iat": now,
        "exp": now + 3600,  # built at collection time: must outlive a long test run
        "aud": "kra-api",
        "iss": "kra-api",
    }
    claims.update(override)
    return claims


def test_issued_token_round_trips() -> None:
    settings = Settings()
    token = issue_token(settings, organization="acme", roles=["admin"], subject="E1")
    claims = TokenVerifier(settings).verify(token)
    assert (claims["org"], claims["roles"], claims["sub"]) == ("acme", ["admin"], "E1")


@pytest.mark.parametrize(
    ("override", "secret", "reason"),
    [
        ({"exp": -3600}, None, "expired"),
        ({"aud": "someone-else"}, None, "audience"),
        ({"iss": "evil"}, None, "issuer"),
        ({}, "another-secret-that-is-long-enough", "signature"),
    ],
)
def test_bad_tokens_are_refused(
    override: dict[str, object], secret: str | None, reason: str
) -> None:
    settings = Settings()
    # Claims are built when the test runs, never at collection: a long suite must not expire them.
    if "exp" in override:
        override = {"exp": int(time.time()) + int(str(override["exp"]))}
    token = jwt.encode(_claims(**override), secret or settings.jwt_secret, algorithm="HS256")
    with pytest.raises(InvalidToken, match=f"(?i){reason}"):
        TokenVerifier(settings).verify(token)


def test_missing_exp_is_refused() -> None:
    settings = Settings()
    claims = _claims()
    del claims["exp"]
    with pytest.raises(InvalidToken, match="exp"):
        TokenVerifier(settings).verify(jwt.encode(claims, settings.jwt_secret, algorithm="HS256"))


def test_algorithm_none_is_refused() -> None:
    token = jwt.encode(_claims(), key=None, algorithm="none")
    with pytest.raises(InvalidToken, match="not accepted"):
        TokenVerifier(Settings()).verify(token)


def test_rs256_against_a_jwks_file(tmp_path: Path) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    public.update({"kid": "k1", "use": "sig", "alg": "RS256"})
    jwks = tmp_path / "jwks.json"
    jwks.write_text(json.dumps({"keys": [public]}))
    settings = Settings(jwt_algorithms=["RS256"], jwt_jwks_file=jwks)
    token = jwt.encode(_claims(), key, algorithm="RS256", headers={"kid": "k1"})
    assert TokenVerifier(settings).verify(token)["org"] == "acme"
    # An HS256 token signed with the public key's text must not pass (algorithm confusion).
    forged = jwt.encode(_claims(), "anything-at-all-32-characters-long", algorithm="HS256")
    with pytest.raises(InvalidToken):
        TokenVerifier(settings).verify(forged)
