"""Two Entra tenants and the federation's storage account in one of them, speaking the real protocols over TLS.

The authority answers the client-credentials grant (`POST /{tenant}/oauth2/v2.0/token`) for app registrations it
knows, each in the tenants it exists in, and refuses any other tenant as Entra does (AADSTS700016, "application not
found in the directory"). The storage account is Azurite over HTTPS with OAuth behind a front that checks the
token's tenant as Azure Storage does: a token from another tenant is answered 401 InvalidAuthenticationInfo with the
challenge naming the account's own tenant (`WWW-Authenticate: Bearer authorization_uri=…/{tenant}/oauth2/authorize
resource_id=https://storage.azure.com`); every other request goes on to Azurite unchanged."""

from __future__ import annotations

import base64
import json
import ssl
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
from aiohttp import web

from tests.support.fake_graph import entra_shaped_token, self_signed
from tests.support.processes import free_port, start_azurite
from tests.support.servers import serve

FEDERATION_TENANT = "5c0f1e2a-7b3d-4e8f-9a1b-2c3d4e5f6a7b"   # the Hwb tenant, where the storage account is
OTHER_TENANT = "9e8d7c6b-5a49-4382-b1a0-f9e8d7c6b5a4"        # a council's, or a trial opened with a personal address
APP_ID = "44444444-5555-4666-8777-888888888888"
APP_SECRET = "test-only-technician-app-secret"
STORAGE = "https://storage.azure.com"
# Headers a proxy must not pass on as they are.
_HOP = {"host", "content-length", "transfer-encoding", "connection", "keep-alive", "content-encoding"}


def claims_of(token: str) -> dict[str, object]:
    """The claims of a JWT, unverified (the front reads the tenant as the service does after checking the signature)."""
    try:
        payload = token.split(".")[1]
        decoded = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError):
        return {}
    return decoded if isinstance(decoded, dict) else {}


@dataclass
class Tenants:
    """The running authority and storage account: where they are, and what they were asked."""

    authority_host: str
    table_endpoint: str
    ca_file: Path
    # The tenants the app registration exists in (a single-tenant app: the one it was made in).
    app_tenants: set[str] = field(default_factory=lambda: {OTHER_TENANT})
    token_tenants: list[str] = field(default_factory=list)   # the tenant of each token request, in order
    refused: int = 0                                          # requests the storage front answered 401
    passed_on: list[str] = field(default_factory=list)        # "METHOD path" of each request Azurite got

    def signed_in_as_app(self) -> dict[str, str]:
        """The variables azure-identity reads to sign in as the app in the tenant it was made in (EnvironmentCredential:
        a technician's service principal, or a sign-in that is not the staff's tenant)."""
        return {"AZURE_TENANT_ID": OTHER_TENANT, "AZURE_CLIENT_ID": APP_ID, "AZURE_CLIENT_SECRET": APP_SECRET,
                "AZURE_AUTHORITY_HOST": self.authority_host, "SSL_CERT_FILE": str(self.ca_file),
                "AZURE_STORAGE_TABLE_ENDPOINT": self.table_endpoint, "AZURE_STORAGE_CONNECTION_STRING": ""}


@asynccontextmanager
async def run_tenants(directory: Path) -> AsyncIterator[Tenants]:
    """The authority and the storage account of the federation's tenant, until the block ends."""
    cert, key = self_signed(directory)
    azurite_port = free_port()
    with start_azurite(port=azurite_port, extra=["--cert", str(cert), "--key", str(key), "--oauth", "basic"]):
        client_tls = ssl.create_default_context(cafile=str(cert))
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(ssl=client_tls)) as session:
            tenants = Tenants(authority_host="", table_endpoint="", ca_file=cert)
            azurite = f"https://127.0.0.1:{azurite_port}"

            async def token(request: web.Request) -> web.Response:
                tenant = request.match_info["tenant"]
                tenants.token_tenants.append(tenant)
                form = await request.post()
                if form.get("client_id") != APP_ID or form.get("client_secret") != APP_SECRET:
                    return web.json_response({"error": "invalid_client", "error_description": "AADSTS7000215: "
                                              "Invalid client secret provided."}, status=401)
                if tenant not in tenants.app_tenants:
                    return web.json_response({"error": "unauthorized_client", "error_codes": [700016],
                                              "error_description": f"AADSTS700016: Application with identifier "
                                              f"'{APP_ID}' was not found in the directory '{tenant}'."}, status=400)
                scope = str(form.get("scope", ""))
                return web.json_response({"token_type": "Bearer", "expires_in": 3599, "ext_expires_in": 3599,
                                          "access_token": entra_shaped_token(scope.removesuffix("/.default"),
                                                                             tenant)})

            async def storage(request: web.Request) -> web.Response:
                bearer = request.headers.get("Authorization", "").removeprefix("Bearer ")
                if claims_of(bearer).get("tid") not in (None, FEDERATION_TENANT):
                    tenants.refused += 1
                    challenge = (f"Bearer authorization_uri=https://login.microsoftonline.com/{FEDERATION_TENANT}"
                                 f"/oauth2/authorize resource_id={STORAGE}")
                    return web.json_response(
                        {"odata.error": {"code": "InvalidAuthenticationInfo", "message": {
                            "lang": "en-US", "value": "Server failed to authenticate the request. Please refer to "
                            "the information in the www-authenticate header.\nRequestId:7d1c2e3f-0002-0041-3e2a-"
                            "000000000000\nTime:2026-12-06T00:00:00.0000000Z"}}},
                        status=401, headers={"WWW-Authenticate": challenge,
                                             "x-ms-error-code": "InvalidAuthenticationInfo"})
                tenants.passed_on.append(f"{request.method} {request.path}")
                headers = {name: value for name, value in request.headers.items() if name.lower() not in _HOP}
                async with session.request(request.method, azurite + request.path_qs, headers=headers,
                                           data=await request.read()) as answer:
                    body = await answer.read()
                    return web.Response(status=answer.status, body=body, headers={
                        name: value for name, value in answer.headers.items() if name.lower() not in _HOP})

            authority = web.Application()
            authority.router.add_post("/{tenant}/oauth2/v2.0/token", token)
            account = web.Application()
            account.router.add_route("*", "/{path:.*}", storage)
            server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            server_tls.load_cert_chain(cert, key)
            async with serve(authority, ssl_context=server_tls) as authority_port, \
                    serve(account, ssl_context=server_tls) as account_port:
                tenants.authority_host = f"https://127.0.0.1:{authority_port}"
                tenants.table_endpoint = f"https://127.0.0.1:{account_port}/devstoreaccount1"
                yield tenants
