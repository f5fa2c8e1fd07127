"""A local OpenID issuer for Bot Framework tokens: metadata, a JWKS, and tokens signed by its key."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import jwt
from aiohttp import web
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from tests.support.servers import serve

ISSUER = "https://api.botframework.com"
KEY_ID = "local-test-key"


def new_key() -> rsa.RSAPrivateKey:
    """A fresh RSA signing key."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@dataclass
class Issuer:
    """The running issuer: its metadata URL and its signing key."""

    metadata_url: str
    key: rsa.RSAPrivateKey
    fetches: int = 0

    def token(self, *, audience: str, service_url: str, issuer: str = ISSUER, lifetime: int = 300,
              not_before_offset: int = -10, key: rsa.RSAPrivateKey | None = None, kid: str = KEY_ID,
              extra: dict[str, Any] | None = None) -> str:
        """A token as the Bot Framework service would sign it (change any part to make it wrong)."""
        now = int(time.time())
        claims = {"iss": issuer, "aud": audience, "serviceurl": service_url, "nbf": now + not_before_offset,
                  "iat": now - 10, "exp": now + lifetime, **(extra or {})}
        return jwt.encode(claims, key or self.key, algorithm="RS256", headers={"kid": kid})


@asynccontextmanager
async def run_issuer() -> AsyncIterator[Issuer]:
    """Serve `/.well-known/openid-configuration` and `/keys` on a free loopback port, under a path of its own."""
    key = new_key()
    issuer = Issuer(metadata_url="", key=key)
    # The SDK caches keys by metadata URL for the life of the process: an issuer that reused an earlier one's port
    # would be checked against that issuer's key, so each one's URL is its own.
    root = f"/{uuid.uuid4().hex}"

    async def metadata(request: web.Request) -> web.Response:
        issuer.fetches += 1
        base = f"http://{request.host}"
        return web.json_response({"issuer": ISSUER, "jwks_uri": f"{base}{root}/keys",
                                  "id_token_signing_alg_values_supported": ["RS256"]})

    async def keys(request: web.Request) -> web.Response:
        public = json.loads(RSAAlgorithm.to_jwk(key.public_key()))
        public.update({"kid": KEY_ID, "use": "sig", "endorsements": ["msteams"]})
        return web.json_response({"keys": [public]})

    app = web.Application()
    app.router.add_get(f"{root}/.well-known/openid-configuration", metadata)
    app.router.add_get(f"{root}/keys", keys)
    async with serve(app) as port:
        issuer.metadata_url = f"http://127.0.0.1:{port}{root}/.well-known/openid-configuration"
        yield issuer
