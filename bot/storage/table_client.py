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

A transaction's operations are built by the SDK's own batch; its multipart body is written here, and its answer
read here when it is laid out as the Table service lays one out (otherwise by the SDK): the SDK does both with the
`email` package, 3 of the 4 ms of CPU a transaction of three operations cost it (1 ms now). Whole-table listings
(rare) stay with the SDK's `TableClient`.
"""

from __future__ import annotations

import copy
import logging
import re
import weakref
from collections.abc import AsyncIterator, Callable, Iterable, Mapping
from http.client import HTTPResponse as _HTTPResponse
from typing import Any, NoReturn
from urllib.parse import quote
from uuid import uuid4

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
from azure.core.pipeline import AsyncPipeline, PipelineContext, PipelineRequest, PipelineResponse
from azure.core.pipeline.policies import (
    AsyncHTTPPolicy,
    AsyncRedirectPolicy,
    ContentDecodePolicy,
    CustomHookPolicy,
    DistributedTracingPolicy,
    HttpLoggingPolicy,
    NetworkTraceLoggingPolicy,
    ProxyPolicy,
    RequestIdPolicy,
)
from azure.core.pipeline.policies._universal import _Unset as _UNSET
from azure.core.rest import HttpRequest
from azure.core.rest._http_response_impl_async import RestAsyncHttpClientTransportResponse
from azure.core.settings import settings
from azure.core.utils._pipeline_transport_rest_shared import BytesIOSocket
from azure.data.tables import TableEntity, TableTransactionError, UpdateMode, _deserialize, _error, _serialize
from azure.data.tables._base_client import extract_batch_part_metadata
from azure.data.tables._error import RequestTooLargeError
from azure.data.tables._generated._serialization import Deserializer
from azure.data.tables._generated._vendor import prep_if_match, prep_if_none_match
from azure.data.tables._generated.models import TableServiceError
from azure.data.tables._policies import StorageHeadersPolicy
from azure.data.tables._table_batch import TableBatchOperations
from azure.data.tables.aio import TableServiceClient
from azure.data.tables.aio._base_client_async import AsyncTransportWrapper

# The SDK's own converters and error handling (untyped there), used as they are.
_convert_to_entity: Callable[[Mapping[str, Any]], TableEntity] = _deserialize._convert_to_entity
_normalize_headers: Callable[[Mapping[str, Any]], dict[str, Any]] = _deserialize._normalize_headers
_trim_service_metadata = _deserialize._trim_service_metadata
_add_entity_properties = _serialize._add_entity_properties
_parameter_filter_substitution = _serialize._parameter_filter_substitution
_get_match_condition: Callable[..., MatchConditions] = _serialize._get_match_condition
_decode_error: Callable[..., HttpResponseError] = _error._decode_error
_process_table_error: Callable[..., NoReturn] = _error._process_table_error
_validate_key_values: Callable[..., None] = _error._validate_key_values
_validate_tablename_error: Callable[..., None] = _error._validate_tablename_error
_deserialize_rfc: Callable[[str], Any] = Deserializer.deserialize_rfc
_transport_wrapper: Callable[[Any], Any] = AsyncTransportWrapper
_batch_part_metadata: Callable[[Any], Mapping[str, Any]] = extract_batch_part_metadata
_bytes_socket: Callable[[bytes], Any] = BytesIOSocket
_part_answer: Callable[..., Any] = RestAsyncHttpClientTransportResponse
# The policy the SDK's transactions run on each of their operations (it has no state of its own).
_PART_HEADERS = StorageHeadersPolicy()

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


class _RandomRequestId(RequestIdPolicy):
    """The SDK's RequestIdPolicy, but the id it makes up for each request is a random UUID (version 4) rather than a
    time-based one (version 1): `uuid1` reads and locks libuuid's clock file on every call (10 us against 2.6 us,
    for every storage call). The header stays what it was: an opaque id, unique to the request."""

    def on_request(self, request: PipelineRequest[Any]) -> None:
        """Set a new id when the SDK would make one up; otherwise do what it does."""
        if ("request_id" not in request.context.options and self._request_id is _UNSET and self._auto_request_id
                and self._request_id_header_name not in request.http_request.headers):
            request.http_request.headers[self._request_id_header_name] = str(uuid4())
            return
        super().on_request(request)


def _random_ids(policy: RequestIdPolicy) -> RequestIdPolicy:
    random_ids = _RandomRequestId()
    random_ids.__dict__.update(vars(policy))  # the same settings (header name, fixed id, whether to make one up)
    return random_ids


def lean_policies(policies: Iterable[Any]) -> list[Any]:
    """The service client's policies that do something for this bot (see the module's docstring)."""
    tracing = settings.tracing_implementation() is not None or bool(settings.tracing_enabled())
    kept = []
    for policy in policies:
        if type(policy) is RequestIdPolicy:
            policy = _random_ids(policy)
        if policy is None or isinstance(policy, _NEVER_HERE):
            continue
        if (isinstance(policy, ProxyPolicy) and not policy.proxies) or (
                isinstance(policy, DistributedTracingPolicy) and not tracing):
            continue
        if isinstance(policy, HttpLoggingPolicy) and not policy.logger.isEnabledFor(logging.INFO):
            continue
        # A pipeline links each of its HTTP policies (the bearer token's, the retries) to the next one in place: a
        # shared one would send the service client's own calls down this shorter pipeline, past its decoding.
        kept.append(copy.copy(policy) if isinstance(policy, AsyncHTTPPolicy) else policy)
    return kept


# One lean pipeline per service client, so its copied token policy fetches and caches one token for every table.
_PIPELINES: weakref.WeakKeyDictionary[TableServiceClient, AsyncPipeline[Any, Any]] = weakref.WeakKeyDictionary()


def _lean_pipeline(service: TableServiceClient) -> AsyncPipeline[Any, Any]:
    pipeline = _PIPELINES.get(service)
    if pipeline is None:
        inner = service._client._client
        pipeline = _PIPELINES[service] = AsyncPipeline(
            transport=_transport_wrapper(inner._pipeline._transport), policies=lean_policies(service._policies))
    return pipeline


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
        inner = service._client._client  # for its URL formatting (the pipeline: `_lean_pipeline`)
        self._pipeline = _lean_pipeline(service)
        self._deserialize = self._sdk._client.table._deserialize  # for error bodies only
        base = self._sdk._client._config.url
        # The generated layer joins the account URL and the path; without a query (a SAS) in it, that is this.
        self._url_of = (lambda path: base.rstrip("/") + "/" + path) if "?" not in base else (
            lambda path: inner.format_url("/" + path, url=base))
        self._table_path = quote(table_name, safe="")
        version = self._sdk._client._config.version
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
        """As `TableClient.submit_transaction`: the operations built by the SDK's own batch, sent as one request whose
        multipart body is written here (the SDK writes it, and reads the answer, with the `email` package: three
        quarters of the 4 ms of CPU a transaction of three cost)."""
        batch = TableBatchOperations(config=self._sdk._client._config,
                                     endpoint=f"{self._sdk.scheme}://{self._sdk._primary_hostname}",
                                     table_name=self.table_name,
                                     is_cosmos_endpoint=self._sdk._cosmos_endpoint)
        try:
            for operation in operations:
                batch.add_operation(operation)
        except TypeError as error:
            raise TypeError(
                "The value of 'operations' must be an iterator or async iterator "
                "of Tuples. Please check documentation for correct Tuple format.") from error
        if not batch.requests:
            return await self._sdk.submit_transaction([])  # what the SDK answers to nothing to do
        return await self._send_batch(batch.requests)

    async def _send_batch(self, requests: list[HttpRequest]) -> list[Mapping[str, Any]]:
        """`_batch_send` of the SDK's client, with the body written and the answer read without `email`."""
        for request in requests:  # what the SDK's pipeline has each part's policy (StorageHeadersPolicy) do
            _PART_HEADERS.on_request(PipelineRequest(request, PipelineContext(None)))
        changeset, batch = f"changeset_{uuid4()}", f"batch_{uuid4()}"
        body = [f"--{batch}\r\nContent-Type: multipart/mixed; boundary={changeset}\r\n\r\n".encode()]
        for index, request in enumerate(requests):
            body.append(f"--{changeset}\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n"
                        f"Content-ID: {index}\r\n\r\n".encode())
            body += [request.serialize(), b"\r\n"]
        body.append(f"--{changeset}--\r\n\r\n--{batch}--\r\n".encode())
        sent = HttpRequest("POST", f"{self._sdk.scheme}://{self._sdk._primary_hostname}/$batch",
                           headers={"x-ms-version": self._sdk.api_version, "DataServiceVersion": "3.0",
                                    "MaxDataServiceVersion": "3.0;NetFx",
                                    "Content-Type": f"multipart/mixed; boundary={batch}",
                                    "Accept": "application/json"}, content=b"".join(body))
        response = (await self._pipeline.run(sent, stream=False)).http_response
        if response.status_code == 413:
            raise _too_large(response)
        if response.status_code != 202:
            decoded = _decode_error(response)
            _validate_tablename_error(decoded, self.table_name)
            raise decoded
        parts = _changeset_parts(response, requests)
        if parts is None:  # not the layout written below: the SDK's own reading, as if it had sent the request
            changeset_request = HttpRequest("POST", "")
            changeset_request.set_multipart_mixed(*requests, policies=[_PART_HEADERS], boundary=changeset)
            sent.set_multipart_mixed(changeset_request, policies=[_PART_HEADERS], enforce_https=False,
                                     boundary=batch)
            parts = [part async for part in response.parts()]
        for part in parts:
            await part.read()
        error_parts = [part for part in parts if not 200 <= part.status_code < 300]
        if error_parts:
            if error_parts[0].status_code == 413:
                raise _too_large(response)
            decoded = _decode_error(response=error_parts[0], error_type=TableTransactionError)
            _validate_tablename_error(decoded, self.table_name)
            raise decoded
        return [_batch_part_metadata(part) for part in parts]


def _too_large(response: Any) -> HttpResponseError:
    """The SDK's error for a transaction the service refused as too large (the whole, or one of its parts)."""
    return _decode_error(response, error_message="The transaction request was too large",
                         error_type=RequestTooLargeError)


_MULTIPART = re.compile(r'^multipart/mixed;\s*boundary="?([^";]+)"?\s*$', re.IGNORECASE)


def _multipart(content_type: str | None, body: bytes) -> list[tuple[str, bytes]] | None:
    """The parts (content type, payload) of a multipart/mixed body as the Table service writes one (CRLF line ends,
    each part's headers then a blank line), or None for anything else."""
    found = _MULTIPART.match(content_type or "")
    if found is None:
        return None
    delimiter = b"--" + found.group(1).encode("ascii")
    pieces = body.split(delimiter)
    if len(pieces) < 3 or not pieces[-1].startswith(b"--"):
        return None
    parts = []
    for piece in pieces[1:-1]:
        if not piece.startswith(b"\r\n") or not piece.endswith(b"\r\n"):
            return None
        head, blank, payload = piece[2:-2].partition(b"\r\n\r\n")
        if not blank:
            return None
        types = [line.split(b":", 1)[1].strip().decode("ascii", "replace") for line in head.split(b"\r\n")
                 if line.lower().startswith(b"content-type:")]
        if len(types) != 1:
            return None
        parts.append((types[0], payload))
    return parts


def _changeset_parts(response: Any, requests: list[HttpRequest]) -> list[Any] | None:
    """The answers to a transaction's operations (one, the failing one, when it failed), as the SDK builds them
    from the multipart answer; None when the answer is not laid out as the Table service lays one out."""
    outer = _multipart(response.content_type, response.body())
    if outer is None or len(outer) != 1:
        return None
    inner = _multipart(outer[0][0], outer[0][1])
    if inner is None or not inner or any(kind.lower() != "application/http" for kind, _ in inner):
        return None
    answers = []
    for index, (_, payload) in enumerate(inner):
        request = requests[index] if index < len(requests) else response.request
        answer = _HTTPResponse(_bytes_socket(payload), method=request.method)
        answer.begin()
        answers.append(_part_answer(request=request, internal_response=answer))
    return answers


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
