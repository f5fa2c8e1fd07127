"""`Table` (bot/storage/table_client.py) against the SDK's own `TableClient`, on Azurite: every call the adapters make
sends the same request (method, URL, headers but the date, signature and request id, body) and gives the same
result or the same error."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from azure.core import MatchConditions
from azure.core.exceptions import HttpResponseError
from azure.core.pipeline.transport import AioHttpTransport, AsyncHttpTransport
from azure.data.tables import EdmType, EntityProperty, TableTransactionError, UpdateMode
from azure.data.tables.aio import TableClient, TableServiceClient

from bot.storage import table_client
from bot.storage.table_client import Table

# Headers that differ between any two requests: when, signed how, which request.
VARYING = {"x-ms-date", "date", "authorization", "x-ms-client-request-id"}
NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
# Keys with what the service allows but a URL must escape: a quote, spaces, a pipe, Welsh letters.
PARTITION = "tenant|Siân's 'queue' ŵ"
EVERY_TYPE = {"PartitionKey": PARTITION, "RowKey": "msg|P-7KX3QD|to-a1 b", "Text": "Siân: “quoted” ✓ 'x' & y=1",
              "Flag": True, "Small": 7, "Large": EntityProperty(2**40, EdmType.INT64), "Ratio": 0.25, "When": NOW,
              "Raw": b"\x00\xff", "Id": uuid.UUID("a1000000-0000-4000-8000-000000000001"), "Empty": ""}


class Recording(AsyncHttpTransport):
    """The real transport, remembering each request it sends."""

    def __init__(self) -> None:
        self.inner = AioHttpTransport()
        self.sent: list[tuple[str, str, dict[str, str], bytes | str | None]] = []
        self.ids: list[str] = []  # each request's x-ms-client-request-id

    async def send(self, request: Any, **kwargs: Any) -> Any:
        headers = {name.lower(): value for name, value in request.headers.items() if name.lower() not in VARYING}
        self.sent.append((request.method, request.url, headers, request.content))
        self.ids.append(request.headers.get("x-ms-client-request-id", ""))
        return await self.inner.send(request, **kwargs)

    async def open(self) -> None:
        await self.inner.open()

    async def close(self) -> None:
        await self.inner.close()

    async def __aexit__(self, *args: Any) -> None:
        await self.inner.__aexit__(*args)


@pytest.fixture
async def clients(azurite: str, table_prefix: str) -> AsyncIterator[tuple[Recording, TableClient, Table]]:
    recording = Recording()
    async with TableServiceClient.from_connection_string(
            azurite, transport=recording, connection_timeout=5, read_timeout=5, use_env_settings=False,
            retry_total=2, retry_backoff_factor=0.1, retry_backoff_max=0.5) as service:
        await service.create_table(table_prefix + "same")
        yield recording, service.get_table_client(table_prefix + "same"), Table(service, table_prefix + "same")


Call = Callable[..., Awaitable[Any]]


async def _both(recording: Recording, sdk: TableClient, ours: Table, call: Call, *, undo: Call | None = None,
                etag_of: tuple[str, str] | None = None) -> tuple[Any, Any]:
    """The call made by the SDK, then (after `undo`, to start from the same rows) by `Table`: their requests must be
    the same; their results (or errors) are returned. With `etag_of`, each call is given that row's etag as read
    just before it (so the two requests differ in it, and only in it)."""
    results, requests = [], []
    for client in (sdk, ours):
        etag = (await sdk.get_entity(*etag_of)).metadata["etag"] if etag_of else None
        recording.sent.clear()
        try:
            results.append(await (call(client, etag) if etag_of else call(client)))
        except HttpResponseError as error:
            results.append(error)
        if etag_of:
            assert [headers.pop("if-match") for _, _, headers, _ in recording.sent] == [etag]
        requests.append(list(recording.sent))
        if client is sdk and undo is not None:
            await undo(sdk)
    assert requests[1] == requests[0]
    return results[0], results[1]


def _same_error(sdk: object, ours: object) -> None:
    assert isinstance(sdk, HttpResponseError)
    assert type(ours) is type(sdk)
    assert isinstance(ours, HttpResponseError)
    assert (ours.status_code, getattr(ours, "error_code", None)) == (sdk.status_code, getattr(sdk, "error_code", None))


def _same_write(sdk: object, ours: object) -> None:
    assert isinstance(sdk, dict)
    assert isinstance(ours, dict)
    assert sorted(ours) == sorted(sdk)
    assert {key: type(value) for key, value in ours.items()} == {key: type(value) for key, value in sdk.items()}
    assert ours["etag"]


async def test_a_created_entity_and_a_second_create_are_the_sdks(clients: tuple[Recording, TableClient, Table]
                                                                 ) -> None:
    recording, sdk, ours = clients

    created = await _both(recording, sdk, ours, lambda c: c.create_entity(EVERY_TYPE),
                          undo=lambda c: c.delete_entity(PARTITION, EVERY_TYPE["RowKey"]))
    _same_write(*created)
    _same_error(*await _both(recording, sdk, ours, lambda c: c.create_entity(EVERY_TYPE)))


async def test_every_request_has_its_own_request_id(clients: tuple[Recording, TableClient, Table]) -> None:
    recording, sdk, ours = clients
    recording.ids.clear()

    for client in (sdk, ours, ours):
        await client.upsert_entity({"PartitionKey": PARTITION, "RowKey": "r"})
        await client.get_entity(PARTITION, "r")

    assert len(set(recording.ids)) == len(recording.ids) == 6
    assert [uuid.UUID(request_id).version for request_id in recording.ids] == [1, 1, 4, 4, 4, 4]


async def test_an_entity_read_whole_or_in_part_or_missing_is_the_sdks(clients: tuple[Recording, TableClient, Table]
                                                                      ) -> None:
    recording, sdk, ours = clients
    await sdk.create_entity(EVERY_TYPE)

    whole = await _both(recording, sdk, ours, lambda c: c.get_entity(PARTITION, EVERY_TYPE["RowKey"]))
    part = await _both(recording, sdk, ours, lambda c: c.get_entity(PARTITION, EVERY_TYPE["RowKey"],
                                                                    select=["RowKey", "When", "Large"]))
    missing = await _both(recording, sdk, ours, lambda c: c.get_entity(PARTITION, "no such row"))

    for sdk_entity, our_entity in (whole, part):
        assert dict(our_entity) == dict(sdk_entity)
        assert {k: type(v) for k, v in our_entity.items()} == {k: type(v) for k, v in sdk_entity.items()}
        assert our_entity.metadata == sdk_entity.metadata
    assert dict(whole[1])["Raw"] == b"\x00\xff"
    _same_error(*missing)


async def test_upserts_updates_and_deletes_with_and_without_etags_are_the_sdks(
        clients: tuple[Recording, TableClient, Table]) -> None:
    recording, sdk, ours = clients
    keys = (PARTITION, "slot|P-7KX3QD|status")
    row: dict[str, Any] = {"PartitionKey": keys[0], "RowKey": keys[1], "ActivityId": "1:abc", "Count": 1}
    stale = (await sdk.upsert_entity(row))["etag"]

    for mode in (UpdateMode.MERGE, UpdateMode.REPLACE):
        _same_write(*await _both(recording, sdk, ours, lambda c, mode=mode: c.upsert_entity(row, mode=mode)))
        _same_write(*await _both(recording, sdk, ours, lambda c, etag, mode=mode: c.update_entity(
            {**row, "Count": 2}, mode=mode, etag=etag, match_condition=MatchConditions.IfNotModified), etag_of=keys))
        _same_write(*await _both(recording, sdk, ours, lambda c, mode=mode: c.update_entity(row, mode=mode)))
    assert (await sdk.get_entity(*keys))["Count"] == 1
    _same_error(*await _both(recording, sdk, ours, lambda c: c.update_entity(
        row, mode=UpdateMode.REPLACE, etag=stale, match_condition=MatchConditions.IfNotModified)))
    _same_error(*await _both(recording, sdk, ours, lambda c: c.update_entity(
        {**row, "RowKey": "no such row"}, mode=UpdateMode.REPLACE)))
    _same_error(*await _both(recording, sdk, ours, lambda c: c.delete_entity(
        *keys, etag=stale, match_condition=MatchConditions.IfNotModified)))
    assert await _both(recording, sdk, ours, lambda c: c.delete_entity(PARTITION, "no such row")) == (None, None)
    deleted = await _both(recording, sdk, ours, lambda c, etag: c.delete_entity(
        *keys, etag=etag, match_condition=MatchConditions.IfNotModified),
        undo=lambda c: c.upsert_entity(row, mode=UpdateMode.REPLACE), etag_of=keys)
    assert deleted == (None, None)
    with pytest.raises(HttpResponseError):
        await sdk.get_entity(*keys)
    assert await _both(recording, sdk, ours, lambda c: c.delete_entity(*keys)) == (None, None)


async def test_queries_page_by_page_with_parameters_and_selections_are_the_sdks(
        clients: tuple[Recording, TableClient, Table]) -> None:
    recording, sdk, ours = clients
    for n in range(7):
        await sdk.create_entity({**EVERY_TYPE, "RowKey": f"msg|{n}", "State": "sent" if n == 3 else "pending"})

    async def listed(client: Any, **kwargs: Any) -> list[Any]:
        return [entity async for entity in client.query_entities(
            "PartitionKey eq @pk and RowKey ge 'msg|' and RowKey lt 'msg}' and State ne @state",
            parameters={"pk": PARTITION, "state": "sent"}, **kwargs)]

    pages = []
    for kwargs in ({}, {"results_per_page": 2}, {"select": ["RowKey", "When"], "results_per_page": 4}):
        sdk_rows, our_rows = await _both(recording, sdk, ours, lambda c, kwargs=kwargs: listed(c, **kwargs))
        assert [dict(e) for e in our_rows] == [dict(e) for e in sdk_rows]
        assert [e.metadata for e in our_rows] == [e.metadata for e in sdk_rows]
        assert len(our_rows) == 6
        pages.append(len(recording.sent))
    assert pages[0] == 1
    assert pages[1] >= 3
    assert pages[2] == 2


async def test_a_missing_table_fails_each_call_as_the_sdk_does(azurite: str, table_prefix: str) -> None:
    recording = Recording()
    async with TableServiceClient.from_connection_string(azurite, transport=recording,
                                                         use_env_settings=False) as service:
        sdk, ours = service.get_table_client(table_prefix + "none"), Table(service, table_prefix + "none")

        async def first(client: Any) -> Any:
            return [e async for e in client.query_entities("PartitionKey eq @pk", parameters={"pk": "p"})]

        for call in (lambda c: c.get_entity("p", "r"), lambda c: c.create_entity({"PartitionKey": "p", "RowKey": "r"}),
                     lambda c: c.upsert_entity({"PartitionKey": "p", "RowKey": "r"}), first,
                     lambda c: c.delete_entity("p", "r")):
            sdk_result, our_result = await _both(recording, sdk, ours, call)
            if sdk_result is None:
                assert our_result is None
            else:
                _same_error(sdk_result, our_result)


def _without_boundaries(sent: list[tuple[str, str, dict[str, str], Any]], etag: str
                        ) -> list[tuple[str, str, dict[str, str], Any]]:
    """Requests with their multipart boundaries (random), their parts' dates and `etag` made alike."""
    def plain(value: Any) -> Any:
        text = value.decode() if isinstance(value, bytes) else value
        if not isinstance(text, str):
            return text
        text = re.sub(r"(batch|changeset)_[0-9a-f-]{36}", r"\1_X", text.replace(etag, "ETAG"))
        return re.sub(r"(?m)^(x-ms-date|Date): [^\r\n]*", r"\1: X", text)

    return [(method, url, {k: plain(v) for k, v in headers.items()}, plain(body))
            for method, url, headers, body in sent]


async def test_transactions_and_their_failures_are_the_sdks(clients: tuple[Recording, TableClient, Table],
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    recording, sdk, ours = clients
    record = {**EVERY_TYPE, "RowKey": "request"}
    owed = {"PartitionKey": PARTITION, "RowKey": "owed|pending", "State": "pending"}

    async def decided(client: Any, etag: str) -> Any:
        return await client.submit_transaction([
            ("update", {**record, "Text": "approved"}, {"mode": UpdateMode.REPLACE, "etag": etag,
                                                         "match_condition": MatchConditions.IfNotModified}),
            ("create", {"PartitionKey": PARTITION, "RowKey": "audit|1", "Action": "approved", "At": NOW}),
            ("upsert", owed, {"mode": UpdateMode.REPLACE}), ("delete", {"PartitionKey": PARTITION, "RowKey": "gone"})])

    async def undo(client: Any) -> None:
        await client.delete_entity(PARTITION, "audit|1")
        await client.upsert_entity({"PartitionKey": PARTITION, "RowKey": "gone"})

    async def compared(call: Call, **kwargs: Any) -> tuple[Any, Any]:
        """`_both`, comparing requests with their boundaries and dates made alike."""
        results, requests = [], []
        for client in (sdk, ours):
            etag = str((await sdk.get_entity(PARTITION, "request")).metadata["etag"])
            recording.sent.clear()
            try:
                results.append(await call(client, etag))
            except HttpResponseError as error:
                results.append(error)
            requests.append(_without_boundaries(recording.sent, etag))
            if client is sdk and kwargs.get("undo"):
                await kwargs["undo"](sdk)
        assert requests[1] == requests[0]
        return results[0], results[1]

    read_here: list[Any] = []  # what Table read of each answer itself (None: it left the answer to the SDK)
    reading = table_client._changeset_parts

    def spied(response: Any, requests: Any) -> Any:
        read_here.append(reading(response, requests))
        return read_here[-1]

    monkeypatch.setattr(table_client, "_changeset_parts", spied)
    await sdk.create_entity(record)
    await sdk.upsert_entity({"PartitionKey": PARTITION, "RowKey": "gone"})
    sdk_result, our_result = await compared(decided, undo=undo)
    assert [sorted(r) for r in our_result] == [sorted(r) for r in sdk_result] == [["etag"], ["etag"], ["etag"], []]
    assert (await sdk.get_entity(PARTITION, "audit|1"))["Action"] == "approved"

    # Each failure rolls the whole transaction back, on both clients: an entity that exists, a stale etag.
    _same_error(*await compared(lambda c, _: c.submit_transaction([("upsert", owed), ("create", record)])))
    _same_error(*await compared(lambda c, _: c.submit_transaction([
        ("update", record, {"etag": 'W/"datetime\'2020-01-01T00%3A00%3A00Z\'"',
                            "match_condition": MatchConditions.IfNotModified})])))
    failed = await compared(lambda c, _: c.submit_transaction([("create", owed)]))
    _same_error(*failed)
    assert isinstance(failed[1], TableTransactionError)
    assert getattr(failed[1], "error_code", None) == "EntityAlreadyExists"
    assert [len(parts) for parts in read_here] == [4, 1, 1, 1]

    # The SDK's own reading of the answer, taken when the answer is not laid out as expected, agrees.
    monkeypatch.setattr(table_client, "_changeset_parts", lambda response, requests: None)
    await undo(sdk)
    fallback = await compared(decided, undo=undo)
    assert [sorted(r) for r in fallback[1]] == [sorted(r) for r in fallback[0]]
    _same_error(*await compared(lambda c, _: c.submit_transaction([("create", owed)])))


def _chain(service: TableServiceClient) -> list[str]:
    """The service client's own pipeline, policy after policy, as its calls go through it (the SDK itself may relink
    its policies to copies of the runners around them: the kinds, in order, are what must stay)."""
    found: list[str] = []
    policy: Any = service._client._client._pipeline._impl_policies[0]
    while policy is not None:
        found.append(type(getattr(policy, "_policy", policy)).__name__)
        policy = getattr(policy, "next", None)
    return found


async def test_the_service_clients_own_pipeline_keeps_its_links_with_a_bearer_token_or_a_shared_key() -> None:
    from azure.core.credentials import AccessToken, AzureNamedKeyCredential  # noqa: PLC0415

    class Token:  # a token credential's shape: Table must not need it to build its pipeline
        async def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
            raise AssertionError("no call is made here")

    credentials: list[Any] = [Token(), AzureNamedKeyCredential("devstoreaccount1", "a2V5")]
    for credential in credentials:
        async with TableServiceClient("https://127.0.0.1:1/devstoreaccount1", credential=credential) as service:
            before = _chain(service)
            first, second = Table(service, "one"), Table(service, "two")

            assert _chain(service) == before  # the SDK's calls still decode, redirect, trace and log
            assert "ContentDecodePolicy" in before
            assert first._pipeline is second._pipeline  # one token cache for every table
