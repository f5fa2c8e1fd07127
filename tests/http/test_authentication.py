"""With credentials configured, every kind of bad token is 401 and a good one is accepted, offline."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import jwt
import pytest
from aiohttp.test_utils import TestClient
from azure.data.tables.aio import TableClient

from app import create_app
from bot.settings import LOCAL_FEDERATION, Settings
from tests.support.activities import CARYS, TENANT, message
from tests.support.connector import Connector
from tests.support.openid import ISSUER, Issuer, new_key, run_issuer

APP_ID = "11111111-2222-4333-8444-555555555555"


@pytest.fixture
async def issuer() -> AsyncIterator[Issuer]:
    async with run_issuer() as running:
        yield running


@pytest.fixture
async def secured(aiohttp_client: Any, azurite: str, table_prefix: str, issuer: Issuer) -> TestClient:
    settings = Settings.model_validate({
        "APP_ENV": "production", "MicrosoftAppId": APP_ID, "MicrosoftAppPassword": "test-only-not-a-secret",
        "MicrosoftAppType": "MultiTenant", "AZURE_STORAGE_CONNECTION_STRING": azurite, "TABLE_PREFIX": table_prefix,
        "TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL": issuer.metadata_url, "TO_BOT_FROM_CHANNEL_TOKEN_ISSUER": ISSUER,
        "DELIVERY_INTERVAL_SECONDS": 3600, "FEDERATION_CONFIG": str(LOCAL_FEDERATION),
    })
    client: TestClient = await aiohttp_client(create_app(settings))
    return client


def _unsigned(service_url: str) -> str:
    return jwt.encode({"iss": ISSUER, "aud": APP_ID, "serviceurl": service_url}, key=None, algorithm="none")  # type: ignore[arg-type]


BAD_TOKENS: dict[str, Callable[[Issuer, str], str]] = {
    "missing": lambda issuer, url: "",
    "not bearer": lambda issuer, url: "Basic dXNlcjpwYXNz",
    "garbage": lambda issuer, url: "Bearer abc.def.ghi",
    "unsigned": lambda issuer, url: "Bearer " + _unsigned(url),
    "expired": lambda issuer, url: "Bearer " + issuer.token(audience=APP_ID, service_url=url, lifetime=-600,
                                                            not_before_offset=-900),
    "not yet valid": lambda issuer, url: "Bearer " + issuer.token(audience=APP_ID, service_url=url,
                                                                  not_before_offset=600, lifetime=900),
    "wrong audience": lambda issuer, url: "Bearer " + issuer.token(audience="someone-else", service_url=url),
    "wrong issuer": lambda issuer, url: "Bearer " + issuer.token(audience=APP_ID, service_url=url,
                                                                 issuer="https://evil.example"),
    "wrong key": lambda issuer, url: "Bearer " + issuer.token(audience=APP_ID, service_url=url, key=new_key()),
    "unknown key id": lambda issuer, url: "Bearer " + issuer.token(audience=APP_ID, service_url=url, kid="other"),
    "serviceUrl mismatch": lambda issuer, url: "Bearer " + issuer.token(audience=APP_ID,
                                                                        service_url="https://evil.example/"),
}


@pytest.mark.parametrize("case", sorted(BAD_TOKENS))
async def test_bad_token_is_401(case: str, secured: TestClient, issuer: Issuer, connector: Connector) -> None:
    header = BAD_TOKENS[case](issuer, connector.url)
    headers = {"Authorization": header} if header else {}

    response = await secured.post("/api/messages", json=message(CARYS, "hi", connector.url), headers=headers)

    assert response.status == 401
    assert connector.sent == []


async def test_valid_token_is_accepted(secured: TestClient, issuer: Issuer, connector: Connector, azurite: str,
                                       table_prefix: str) -> None:
    # The issuer serves from this test's own event loop: a key fetch that blocked the loop could never be
    # answered, so this passing also proves the fetch runs off the loop.
    token = issuer.token(audience=APP_ID, service_url=connector.url)

    response = await secured.post("/api/messages", json=message(CARYS, "hi", connector.url),
                                  headers={"Authorization": f"Bearer {token}"})

    assert response.status == 200
    assert issuer.fetches == 1
    async with TableClient.from_connection_string(azurite, table_prefix + "users") as users:
        profile = await users.get_entity(TENANT, CARYS["aadObjectId"])
    assert profile["Name"] == "Carys Jenkins"


async def test_a_body_without_a_token_is_refused_before_it_is_read(secured: TestClient) -> None:
    response = await secured.post("/api/messages", data=b"[" * 120_000 + b"]" * 120_000,
                                  headers={"Content-Type": "application/json"})

    assert response.status == 401


OTHER_TENANT = "9e8d7c6b-5a49-4382-b1a0-f9e8d7c6b5a4"


async def test_a_token_from_another_tenant_is_401_and_the_log_names_both_tenants_in_one_line(
        aiohttp_client: Any, azurite: str, table_prefix: str, issuer: Issuer, connector: Connector,
        caplog: pytest.LogCaptureFixture) -> None:
    """A single-tenant bot (as deployed: its tenant is MicrosoftAppTenantId) sent a token Entra issued in another
    tenant (a sign-in there, made out to the bot's app id). Before, the log said only `authentication failed:
    InvalidIssuerError`; now it names the tenant the token is from and the bot's own, and the caller still gets a
    plain 401 and nothing else."""
    settings = Settings.model_validate({
        "APP_ENV": "production", "MicrosoftAppId": APP_ID, "MicrosoftAppPassword": "test-only-not-a-secret",
        "MicrosoftAppType": "SingleTenant", "MicrosoftAppTenantId": TENANT,
        "AZURE_STORAGE_CONNECTION_STRING": azurite, "TABLE_PREFIX": table_prefix,
        "TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL": issuer.metadata_url, "TO_BOT_FROM_CHANNEL_TOKEN_ISSUER": ISSUER,
        "DELIVERY_INTERVAL_SECONDS": 3600, "FEDERATION_CONFIG": str(LOCAL_FEDERATION),
    })
    client: TestClient = await aiohttp_client(create_app(settings))
    token = issuer.token(audience=APP_ID, service_url=connector.url,
                         issuer=f"https://login.microsoftonline.com/{OTHER_TENANT}/v2.0", extra={"tid": OTHER_TENANT})

    response = await client.post("/api/messages", json=message(CARYS, "hi", connector.url),
                                 headers={"Authorization": f"Bearer {token}"})

    assert (response.status, await response.json()) == (401, {"error": "unauthorized"})
    assert connector.sent == []
    said = [record.getMessage() for record in caplog.records if "authentication failed" in record.getMessage()]
    assert said == [f"authentication failed: the token is from tenant {OTHER_TENANT}, not the bot's tenant {TENANT} "
                    "(MicrosoftAppTenantId); Teams sends the Bot Framework's own token"], said
    assert token[:40] not in caplog.text


SIGNED_BUT_WRONG = sorted(case for case in BAD_TOKENS
                          if case not in ("missing", "not bearer", "garbage", "unsigned", "serviceUrl mismatch"))


@pytest.mark.parametrize("case", SIGNED_BUT_WRONG)
async def test_a_well_formed_token_that_fails_its_checks_is_refused_before_the_body_is_parsed(
        case: str, secured: TestClient, issuer: Issuer, connector: Connector) -> None:
    """A token shaped like the Bot Framework's (RS256, a key id) but with the wrong signature, issuer, audience or
    times: before, the body was read and parsed first (up to MAX_BODY_BYTES of JSON work for anyone), so a body that
    is not JSON was answered 400; now the token's signature, issuer, audience and times are checked as botbuilder
    checks them before the body is read, and it is 401 whatever the body is."""
    headers = {"Authorization": BAD_TOKENS[case](issuer, connector.url), "Content-Type": "application/json"}

    not_json = await secured.post("/api/messages", data=b"[" * 120_000 + b"}", headers=headers)
    not_an_activity = await secured.post("/api/messages", json={"type": "message"}, headers=headers)

    assert (not_json.status, not_an_activity.status) == (401, 401)
    assert connector.sent == []


async def test_a_body_too_large_with_a_bad_token_is_401_not_413(secured: TestClient, issuer: Issuer,
                                                                connector: Connector) -> None:
    """The body is not read at all for a token that fails its checks: not even to find it is too large."""
    token = issuer.token(audience="someone-else", service_url=connector.url)

    response = await secured.post("/api/messages", data=b" " * 300_000,
                                  headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})

    assert response.status == 401


async def test_a_good_token_with_a_body_that_is_not_json_is_still_400(secured: TestClient, issuer: Issuer,
                                                                      connector: Connector) -> None:
    token = issuer.token(audience=APP_ID, service_url=connector.url)

    response = await secured.post("/api/messages", data=b"{not json",
                                  headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})

    assert response.status == 400
