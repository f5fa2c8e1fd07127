"""A local Entra authority and Microsoft Graph speaking the real protocols, over TLS (msal insists on https), and
App Service's managed-identity endpoint (`IDENTITY_ENDPOINT`, plain http on the host as in App Service)."""

from __future__ import annotations

import base64
import datetime
import ipaddress
import json
import secrets
import ssl
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.support.servers import serve

CLIENT_ID = "22222222-3333-4444-8555-666666666666"
CLIENT_SECRET = "test-only-client-secret-value"
IDENTITY_CLIENT_ID = "33333333-4444-4555-8666-777777777777"
IDENTITY_OBJECT_ID = "b0770000-0000-4000-8000-000000000001"
IDENTITY_TENANT = "5c0f1e2a-7b3d-4e8f-9a1b-2c3d4e5f6a7b"


def self_signed(directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key, written to `directory`."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(hours=2))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    directory.mkdir(parents=True, exist_ok=True)
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def entra_shaped_token(audience: str, tenant: str = IDENTITY_TENANT) -> str:
    """A token laid out as Entra issues one to a managed identity (unsigned: Azurite checks issuer, audience and
    lifetime, and the fakes here check that they issued it); unique each time."""
    now = int(datetime.datetime.now(datetime.UTC).timestamp())
    claims = {"aud": audience, "iss": f"https://sts.windows.net/{tenant}/", "iat": now, "nbf": now - 60,
              "exp": now + 3600, "tid": tenant, "oid": IDENTITY_OBJECT_ID, "jti": secrets.token_urlsafe(12)}
    parts = ({"alg": "RS256", "typ": "JWT"}, claims)
    encoded = [base64.urlsafe_b64encode(json.dumps(part).encode()).decode().rstrip("=") for part in parts]
    return ".".join([*encoded, secrets.token_urlsafe(16)])


@dataclass
class FakeGraph:
    """The running fake: its base URL, the CA file to trust, managers it knows, and what it was asked."""

    base_url: str
    ca_file: Path
    managers: dict[str, dict[str, str]] = field(default_factory=dict)
    token_requests: int = 0
    manager_requests: int = 0
    issued: set[str] = field(default_factory=set)
    identity_endpoint: str = ""
    identity_header: str = field(default_factory=lambda: secrets.token_hex(16))
    identity_requests: list[dict[str, str]] = field(default_factory=list)
    # The audience of the identity's tokens when it is not the resource asked for (a misconfigured identity).
    identity_audience: str = ""
    # While set, the manager endpoint throttles as Graph does: 429 with this Retry-After (seconds).
    throttle_retry_after: str = ""

    def identity_environment(self) -> dict[str, str]:
        """The variables App Service sets so azure-identity finds its managed-identity endpoint."""
        return {"IDENTITY_ENDPOINT": self.identity_endpoint, "IDENTITY_HEADER": self.identity_header}


@asynccontextmanager
async def run_fake_graph(directory: Path) -> AsyncIterator[FakeGraph]:
    """Serve the OpenID configuration, the token endpoint and `/v1.0/users/{id}/manager` on https."""
    cert, key = self_signed(directory)
    fake = FakeGraph(base_url="", ca_file=cert)

    async def openid(request: web.Request) -> web.Response:
        tenant = request.match_info["tenant"]
        base = f"{fake.base_url}/{tenant}"
        return web.json_response({"issuer": f"{base}/v2.0", "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
                                  "token_endpoint": f"{base}/oauth2/v2.0/token",
                                  "token_endpoint_auth_methods_supported": ["client_secret_post"]})

    async def token(request: web.Request) -> web.Response:
        fake.token_requests += 1
        form = await request.post()
        if (form.get("grant_type") != "client_credentials" or form.get("client_id") != CLIENT_ID
                or form.get("client_secret") != CLIENT_SECRET):
            return web.json_response({"error": "invalid_client", "error_description": "AADSTS7000215"}, status=401)
        issued = secrets.token_urlsafe(24)
        fake.issued.add(issued)
        return web.json_response({"token_type": "Bearer", "expires_in": 3599, "ext_expires_in": 3599,
                                  "access_token": issued})

    async def manager(request: web.Request) -> web.Response:
        fake.manager_requests += 1
        if fake.throttle_retry_after:
            return web.json_response({"error": {"code": "TooManyRequests", "message": "Too many requests"}},
                                     status=429, headers={"Retry-After": fake.throttle_retry_after})
        bearer = request.headers.get("Authorization", "").removeprefix("Bearer ")
        if bearer not in fake.issued:
            return web.json_response({"error": {"code": "InvalidAuthenticationToken", "message": "bad token"}},
                                     status=401)
        found: Any = fake.managers.get(request.match_info["user"])
        if found is None:
            return web.json_response({"error": {"code": "Request_ResourceNotFound",
                                                "message": "Resource 'manager' does not exist."}}, status=404)
        return web.json_response({"@odata.type": "#microsoft.graph.user", **found})

    async def managed_identity(request: web.Request) -> web.Response:
        # App Service's protocol (api-version 2019-08-01): the secret header, the resource, the identity's client id.
        fake.identity_requests.append(dict(request.query))
        if request.headers.get("X-IDENTITY-HEADER") != fake.identity_header:
            return web.json_response({"statusCode": 401, "message": "bad X-IDENTITY-HEADER"}, status=401)
        if request.query.get("client_id") != IDENTITY_CLIENT_ID:
            return web.json_response({"statusCode": 400, "message": "Unable to load the proper Managed Identity."},
                                     status=400)
        issued = entra_shaped_token(fake.identity_audience or request.query.get("resource", ""))
        fake.issued.add(issued)
        expires_on = int(datetime.datetime.now(datetime.UTC).timestamp()) + 3600
        return web.json_response({"access_token": issued, "expires_on": str(expires_on), "token_type": "Bearer",
                                  "resource": request.query.get("resource", ""), "client_id": IDENTITY_CLIENT_ID})

    app = web.Application()
    app.router.add_get("/{tenant}/v2.0/.well-known/openid-configuration", openid)
    app.router.add_post("/{tenant}/oauth2/v2.0/token", token)
    app.router.add_get("/v1.0/users/{user}/manager", manager)
    identity = web.Application()
    identity.router.add_get("/msi/token", managed_identity)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    async with serve(app, ssl_context=context) as port, serve(identity) as identity_port:
        fake.base_url = f"https://127.0.0.1:{port}"
        fake.identity_endpoint = f"http://127.0.0.1:{identity_port}/msi/token"
        yield fake
