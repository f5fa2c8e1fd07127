"""What a test's tables hold, to tell that nothing changed."""

from __future__ import annotations

import json

from azure.data.tables.aio import TableServiceClient


async def every_row(azurite: str, prefix: str) -> dict[str, list[str]]:
    """Every row of the tables under `prefix` (a test's own), table by table, without the storage's own timestamps."""
    found: dict[str, list[str]] = {}
    async with TableServiceClient.from_connection_string(azurite) as service:
        async for table in service.list_tables():
            if table.name.startswith(prefix):
                async with service.get_table_client(table.name) as client:
                    found[table.name] = sorted((json.dumps({k: v for k, v in row.items() if k != "Timestamp"},
                                                           default=str, sort_keys=True)
                                                for row in [dict(r) async for r in client.list_entities()]))
    return found
