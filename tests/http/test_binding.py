"""Local mode checks no Bot Framework token, so it listens on loopback only unless told otherwise."""

from __future__ import annotations

import socket

import pytest

from bot.settings import Settings
from tests.support.processes import start_bot

# On Linux the whole of 127/8 is loopback, but a server bound to 127.0.0.1 only answers there: 127.0.0.2 stands in
# for "another address of this machine" (a laptop's Wi-Fi address) without needing a network.
OTHER_ADDRESS = "127.0.0.2"


def _answers(host: str, port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(2)
        return sock.connect_ex((host, port)) == 0


@pytest.mark.parametrize(("bind_host", "reachable_elsewhere"), [("", False), ("0.0.0.0", True)])
def test_local_mode_binds_loopback_unless_told_otherwise(azurite: str, bind_host: str,
                                                         reachable_elsewhere: bool) -> None:
    env = {"APP_ENV": "local", "AZURE_STORAGE_CONNECTION_STRING": azurite, "BIND_HOST": bind_host}
    with start_bot(env) as (_, url):
        port = int(url.rsplit(":", 1)[1])

        assert _answers("127.0.0.1", port)
        assert _answers(OTHER_ADDRESS, port) is reachable_elsewhere


def test_production_listens_on_every_interface_as_app_service_needs() -> None:
    production = Settings.model_validate({
        "APP_ENV": "production", "MicrosoftAppType": "UserAssignedMSI", "MicrosoftAppId": "an-identity",
        "MicrosoftAppTenantId": "a-tenant", "AZURE_STORAGE_TABLE_ENDPOINT": "https://x.table.core.windows.net",
        "FEDERATION_JSON": "{}"})

    assert production.host == "0.0.0.0"
