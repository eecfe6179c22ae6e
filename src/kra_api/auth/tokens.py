"""Bearer JWTs: HS256 with a shared secret in development, RS256/ES256 via JWKS in production."""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from functools import cached_property
from typing import Any

import jwt

from kra_api.config import Settings

ALLOWED_ALGORITHMS = {"HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "ES256", "ES384"}


class InvalidToken(Exception):
    """The token is missing, malformed, expired, forged or meant for someone else."""


class TokenVerifier:
    """Checks signature, ``exp``, ``aud`` and ``iss``; returns the claims."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        unknown = set(settings.jwt_algorithms) - ALLOWED_ALGORITHMS
        if unknown:
            raise ValueError(f"unsupported JWT algorithms: {sorted(unknown)}")

    @cached_property
    def _jwks_client(self) -> jwt.PyJWKClient | None:
        if self.settings.jwt_jwks_url:
            return jwt.PyJWKClient(self.settings.jwt_jwks_url, cache_keys=True, lifespan=300)
        return None

    @cached_property
    def _jwks_file(self) -> jwt.PyJWKSet | None:
        if self.settings.jwt_jwks_file:
            return jwt.PyJWKSet.from_dict(json.loads(self.settings.jwt_jwks_file.read_text()))
        return None

    def _key_for(self, token: str, algorithm: str) -> Any:
        if algorithm.startswith("HS"):
            return self.settings.jwt_secret
        kid = jwt.get_unverified_header(token).get("kid")
        if self._jwks_client is not None:
            return self._jwks_client.get_signing_key_from_jwt(token).key
        if self._jwks_file is not None:
            for key in self._jwks_file.keys:
                if kid is None or key.key_id == kid:
                    return key.key
        raise InvalidToken("no key to verify this token")

    def verify(self, token: str) -> dict[str, Any]:
        """The token's claims, or InvalidToken."""
        try:
            header = jwt.get_unverified_header(token)
            algorithm = header.get("alg", "")
            if algorithm not in self.settings.jwt_algorithms:
                raise InvalidToken(f"algorithm {algorithm!r} is not accepted")
            claims: dict[str, Any] = jwt.decode(
                token,
                self._key_for(token, algorithm),
                algorithms=[algorithm],
                audience=self.settings.jwt_audience,
                issuer=self.settings.jwt_issuer,
                leeway=self.settings.jwt_leeway_seconds,
                options={"require": ["exp", "iat", "aud", "iss"]},
            )
        except jwt.PyJWTError as exc:
            raise InvalidToken(str(exc)) from exc
        return claims


def issue_token(
    settings: Settings,
    *,
    organization: str,
    roles: Iterable[str],
    subject: str | None = None,
    ttl_seconds: int | None = None,
) -> str:
    """Sign an HS256 development token for the configured secret."""
    now = int(time.time())
    claims: dict[str, Any] = {
        "org": organization,
        "roles": sorted(set(roles)),
        "iat": now,
        "exp": now + (ttl_seconds or settings.dev_token_ttl_seconds),
        "aud": settings.jwt_audience,
        "iss": settings.jwt_issuer,
    }
    if subject:
        claims["sub"] = subject
    return jwt.encode(claims, settings.jwt_secret, algorithm="HS256")
