"""One table's client: the entity calls the adapters make on every turn, built and read here, the rest through the SDK.

The SDK's `TableClient` spends about 0.7 ms of CPU on a point read or a write against Azurite and 1.2 ms on a query,
most of it outside the network: a tracing wrapper around each of its two layers, a generated layer that serializes
every header and path segment and parses every response header (the date with `strptime`), and a pipeline of
thirteen policies, six of which do nothing for this bot. A flow makes dozens of such calls and the bot runs on one
thread, so they were most of its CPU (`bench/README.md`). `Table` sends the same requests (method, URL, headers and
body, byte for byte: `tests/storage/test_table_client.py` compares them with the SDK's) through the SDK's own
policies that do something here (request id, date and version headers, user agent, the credential's signature or
token, the retries), decodes every answer as the SDK's ContentDecodePolicy does, and reads it with the SDK's own
converters, so entities, results and errors are the SDK's: about 0.45 ms a point read or write, 0.7 ms a query.
The policies left out: proxy settings (none are passed; the transport still reads the environment's when one is
set), custom hooks, network-trace logging (`logging_enable` is never set), redirects (the Table service answers
these calls without them), and tracing and HTTP logging unless they are switched on when the client is built.

Transactions and whole-table listings (rare, and harder to build by hand) stay with the SDK's `TableClient`.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable, Iterable, Mapping
from typing import Any, NoReturn
from urllib.parse import quote

from azure.core import MatchConditions
from azure.core.exceptions import (
    ClientAuthenticationError,
    HttpResponseError,
    ResourceExistsError,
    ResourceModifiedError,
    ResourceNotFoundError,
    ResourceNotModifiedError,
    map_error,
)
from azure.core.pipeline import AsyncPipeline, PipelineResponse
from azure.core.pipeline.policies import (
    AsyncRedirectPolicy,
    ContentDecodePolicy,
    CustomHookPolicy,
    DistributedTracingPolicy,
    HttpLoggingPolicy,
    NetworkTraceLoggingPolicy,
    ProxyPolicy,
)
from azure.core.rest import HttpRequest
from azure.core.settings import settings
from azure.data.tables import TableEntity, UpdateMode, _deserialize, _error, _serialize
from azure.data.tables._generated._serialization import Deserializer
from azure.data.tables._generated._vendor import prep_if_match, prep_if_none_match
from azure.data.tables._generated.models import TableServiceError
from azure.data.tables.aio import TableServiceClient
from azure.data.tables.aio._base_client_async import AsyncTransportWrapper

# The SDK's own converters and error handling (untyped there), used as they are.
_convert_to_entity: Callable[[Mapping[str, Any]], TableEntity] = _deserialize._convert_to_entity  # noqa: SLF001
_normalize_headers: Callable[[Mapping[str, Any]], dict[str, Any]] = _deserialize._normalize_headers  # noqa: SLF001
_trim_service_metadata = _deserialize._trim_service_metadata  # noqa: SLF001
_add_entity_properties = _serialize._add_entity_properties  # noqa: SLF001
_parameter_filter_substitution = _serialize._parameter_filter_substitution  # noqa: SLF001
_get_match_condition: Callable[..., MatchConditions] = _serialize._get_match_condition  # noqa: SLF001
_decode_error: Callable[..., HttpResponseError] = _error._decode_error  # noqa: SLF001
_process_table_error: Callable[..., NoReturn] = _error._process_table_error  # noqa: SLF001
_validate_key_values: Callable[..., None] = _error._validate_key_values  # noqa: SLF001
_validate_tablename_error: Callable[..., None] = _error._validate_tablename_error  # noqa: SLF001
_deserialize_rfc: Callable[[str], Any] = Deserializer.deserialize_rfc
_transport_wrapper: Callable[[Any], Any] = AsyncTransportWrapper

# The headers of each kind of call, as the generated layer writes them (after `x-ms-version`).
_READ_HEADERS = {"DataServiceVersion": "3.0", "Accept": "application/json;odata=minimalmetadata"}
_INSERT_HEADERS = {"DataServiceVersion": "3.0", "Content-Type": "application/json;odata=nometadata",
                   "Accept": "application/json;odata=minimalmetadata"}
_WRITE_HEADERS = {"DataServiceVersion": "3.0", "Content-Type": "application/json", "Accept": "application/json"}
_ERRORS: dict[int, type[HttpResponseError]] = {
    401: ClientAuthenticationError, 404: ResourceNotFoundError, 409: ResourceExistsError,
    304: ResourceNotModifiedError}
# A failed conditional write, by its condition (what the generated layer maps 412 to).
_CONDITION_ERRORS: dict[MatchConditions, type[HttpResponseError]] = {
    MatchConditions.IfNotModified: ResourceModifiedError, MatchConditions.IfPresent: ResourceNotFoundError,
    MatchConditions.IfMissing: ResourceExistsError}
_NEXT_PARTITION_KEY = "x-ms-continuation-NextPartitionKey"
_NEXT_ROW_KEY = "x-ms-continuation-NextRowKey"
_NEVER_HERE = (CustomHookPolicy, NetworkTraceLoggingPolicy, AsyncRedirectPolicy, ContentDecodePolicy)
_DECODED = ContentDecodePolicy.CONTEXT_NAME


def lean_policies(policies: Iterable[Any]) -> list[Any]:
    """The service client's policies that do something for this bot (see the module's docstring)."""
    tracing = settings.tracing_implementation() is not None or bool(settings.tracing_enabled())
    kept = []
    for policy in policies:
        if policy is None or isinstance(policy, _NEVER_HERE):
            continue
        if (isinstance(policy, ProxyPolicy) and not policy.proxies) or (
                isinstance(policy, DistributedTracingPolicy) and not tracing):
            continue
        if isinstance(policy, HttpLoggingPolicy) and not policy.logger.isEnabledFor(logging.INFO):
            continue
        kept.append(policy)
    return kept


def _key(value: str) -> str:
    """A key as the generated layer puts it in a path: quotes doubled, then percent-encoded."""
    try:
        return quote(value.replace("'", "''"), safe="")
    except AttributeError as error:
        raise TypeError("PartitionKey or RowKey must be of type string.") from error


def _query(value: object) -> str:
    """A query parameter's value as the generated layer writes it (the request adds it to the URL as it is)."""
    return quote(str(value), safe="")


def _written(answer: PipelineResponse[Any, Any], *more: str, content: Any = None) -> Mapping[str, Any]:
    """A write's result as the SDK returns it: from the headers the generated layer reads (and `more`), the date
    parsed as it does."""
    headers = answer.http_response.headers
    read = {name: headers.get(name) for name in ("x-ms-client-request-id", "x-ms-request-id", "x-ms-version")}
    date = headers.get("Date")
    read |= {"Date": None if date is None else _deserialize_rfc(date), "ETag": headers.get("ETag")}
    read |= {name: headers.get(name) for name in more}
    result: Mapping[str, Any] = _trim_service_metadata(_normalize_headers(read), content=content)
    return result


class Table:
    """The calls of the SDK's `TableClient` that the adapters make, with its signatures, results and errors."""

    def __init__(self, service: TableServiceClient, table_name: str) -> None:
        self._sdk = service.get_table_client(table_name)
        self.table_name = table_name
        inner = service._client._client  # noqa: SLF001 - the service client's transport and policies are reused
        self._pipeline: AsyncPipeline[Any, Any] = AsyncPipeline(
            transport=_transport_wrapper(inner._pipeline._transport),  # noqa: SLF001
            policies=lean_policies(service._policies))  # noqa: SLF001
        self._deserialize = self._sdk._client.table._deserialize  # noqa: SLF001 - for error bodies only
        base = self._sdk._client._config.url  # noqa: SLF001
        # The generated layer joins the account URL and the path; without a query (a SAS) in it, that is this.
        self._url_of = (lambda path: base.rstrip("/") + "/" + path) if "?" not in base else (
            lambda path: inner.format_url("/" + path, url=base))
        self._table_path = quote(table_name, safe="")
        version = self._sdk._client._config.version  # noqa: SLF001
        self._read, self._insert, self._write_headers = (
            {"x-ms-version": version, **headers} for headers in (_READ_HEADERS, _INSERT_HEADERS, _WRITE_HEADERS))

    def _entity_url(self, partition_key: str, row_key: str) -> str:
        return self._url_of(f"{self._table_path}(PartitionKey='{_key(partition_key)}',RowKey='{_key(row_key)}')")

    async def _run(self, request: HttpRequest, expected: tuple[int, ...], errors: Mapping[int, type[HttpResponseError]],
                   **options: Any) -> PipelineResponse[Any, Any]:
        answer = await self._pipeline.run(request, stream=False, **options)
        response = answer.http_response
        # What the SDK's ContentDecodePolicy (left out of the pipeline) does with every answer: UTF-8, as it is told.
        answer.context[_DECODED] = ContentDecodePolicy.deserialize_from_http_generics(response, "utf-8")
        if response.status_code not in expected:
            map_error(status_code=response.status_code, response=response, error_map=errors)
            error = self._deserialize.failsafe_deserialize(TableServiceError, answer)
            raise HttpResponseError(response=response, model=error)
        return answer

    async def get_entity(self, partition_key: str, row_key: str, *, select: str | list[str] | None = None
                         ) -> TableEntity:
        """As `TableClient.get_entity`."""
        params = {} if select is None else {"$select": _query(select if isinstance(select, str) else ",".join(select))}
        request = HttpRequest("GET", self._entity_url(partition_key, row_key), params=params,
                              headers=dict(self._read))
        try:
            answer = await self._run(request, (200,), _ERRORS)
        except HttpResponseError as error:
            _process_table_error(error, table_name=self.table_name)
        return _convert_to_entity(answer.context[_DECODED])

    async def create_entity(self, entity: Mapping[str, Any]) -> Mapping[str, Any]:
        """As `TableClient.create_entity`."""
        entity_json = _add_entity_properties(entity)
        request = HttpRequest("POST", self._url_of(self._table_path), headers=dict(self._insert), json=entity_json)
        try:
            answer = await self._run(request, (201, 204), _ERRORS)
        except HttpResponseError as error:
            decoded = _decode_error(error.response, error.message)
            _validate_key_values(decoded, entity_json.get("PartitionKey"), entity_json.get("RowKey"))
            _validate_tablename_error(decoded, self.table_name)
            raise
        content = answer.context[_DECODED] if answer.http_response.status_code == 201 else None
        return _written(answer, "Preference-Applied", "Content-Type", content=content)

    async def upsert_entity(self, entity: Mapping[str, Any], mode: str | UpdateMode = UpdateMode.MERGE
                            ) -> Mapping[str, Any]:
        """As `TableClient.upsert_entity`."""
        if mode not in (UpdateMode.MERGE, UpdateMode.REPLACE):
            raise ValueError(
                f"Update mode {mode} is not supported. For a list of supported modes see the UpdateMode enum.")
        return await self._write(entity, mode, None, None)

    async def update_entity(self, entity: Mapping[str, Any], mode: str | UpdateMode = UpdateMode.MERGE, *,
                            etag: str | None = None, match_condition: MatchConditions | None = None
                            ) -> Mapping[str, Any]:
        """As `TableClient.update_entity`."""
        if match_condition and not etag and isinstance(entity, TableEntity):
            etag = entity.metadata.get("etag")
        condition = _get_match_condition(etag=etag, match_condition=match_condition or MatchConditions.Unconditionally)
        if mode not in (UpdateMode.MERGE, UpdateMode.REPLACE):
            raise ValueError(f"Mode type '{mode}' is not supported.")
        return await self._write(entity, mode, etag, condition)

    async def _write(self, entity: Mapping[str, Any], mode: str | UpdateMode, etag: str | None,
                     condition: MatchConditions | None) -> Mapping[str, Any]:
        partition_key, row_key = entity["PartitionKey"], entity["RowKey"]
        entity_json = _add_entity_properties(entity)
        headers = dict(self._write_headers)
        errors = _with_condition(condition, etag, headers)
        request = HttpRequest("PUT" if mode == UpdateMode.REPLACE else "PATCH",
                              self._entity_url(partition_key, row_key), headers=headers, json=entity_json)
        try:
            answer = await self._run(request, (204,), errors)
        except HttpResponseError as error:
            _process_table_error(error, table_name=self.table_name)
        return _written(answer)

    async def delete_entity(self, partition_key: str, row_key: str, *, etag: str | None = None,
                            match_condition: MatchConditions | None = None) -> None:
        """As `TableClient.delete_entity` (by keys): nothing happens when the entity is not there."""
        condition = _get_match_condition(etag=etag, match_condition=match_condition or MatchConditions.Unconditionally)
        headers = dict(self._read)
        errors = _with_condition(condition, etag, headers)
        request = HttpRequest("DELETE", self._entity_url(partition_key, row_key), headers=headers)
        try:
            await self._run(request, (204,), errors)
        except HttpResponseError as error:
            if error.status_code == 404:
                return
            _process_table_error(error, table_name=self.table_name)

    async def query_entities(self, query_filter: str, *, parameters: dict[str, Any] | None = None,
                             select: str | list[str] | None = None, results_per_page: int | None = None
                             ) -> AsyncIterator[TableEntity]:
        """As `TableClient.query_entities`: the entities, page after page as they are asked for."""
        query_filter = _parameter_filter_substitution(parameters, query_filter)
        if select and not isinstance(select, str):
            select = ",".join(select)
        next_keys: dict[str, str] = {}
        location: str | None = None
        while True:
            params: dict[str, Any] = {}
            if results_per_page is not None:
                params["$top"] = _query(results_per_page)
            if select is not None:
                params["$select"] = _query(select)
            params["$filter"] = _query(query_filter)
            params.update({key: _query(value) for key, value in next_keys.items()})
            request = HttpRequest("GET", self._url_of(self._table_path + "()"), params=params,
                                  headers=dict(self._read))
            try:
                answer = await self._run(request, (200,), _ERRORS, use_location=location)
            except HttpResponseError as error:
                _process_table_error(error)
            location = answer.context["location_mode"] if "location_mode" in answer.context else None
            headers = answer.http_response.headers
            rows = [_convert_to_entity(row) for row in answer.context[_DECODED]["value"]]
            for row in rows:
                yield row
            partition, row_key = headers.get(_NEXT_PARTITION_KEY), headers.get(_NEXT_ROW_KEY)
            if not (partition or row_key):
                return
            next_keys = {key: value for key, value in (("NextPartitionKey", partition), ("NextRowKey", row_key))
                         if value is not None}

    def list_entities(self, **kwargs: Any) -> Any:
        """`TableClient.list_entities` (the SDK's own)."""
        return self._sdk.list_entities(**kwargs)

    async def submit_transaction(self, operations: Iterable[Any]) -> list[Mapping[str, Any]]:
        """`TableClient.submit_transaction` (the SDK's own)."""
        return await self._sdk.submit_transaction(operations)


def _with_condition(condition: MatchConditions | None, etag: str | None, headers: dict[str, str]
                    ) -> Mapping[int, type[HttpResponseError]]:
    """Put a write's condition in its headers (as the generated layer does); the errors it maps, with it."""
    if_match = prep_if_match(etag, condition)
    if if_match is not None:
        headers["If-Match"] = if_match
    if_none_match = prep_if_none_match(etag, condition)
    if if_none_match is not None:
        headers["If-None-Match"] = if_none_match
    error = _CONDITION_ERRORS.get(condition) if condition is not None else None
    return _ERRORS if error is None else {**_ERRORS, 412: error}
