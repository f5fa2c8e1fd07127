"""A new policy version in real Teams clients (Agents Playgrounds in headless Chromium): the policy owner sends the
Word file and publishes it, a member of staff confirms they have read it, the headteacher sees the count.

The Playground cannot attach a file, so the file message is injected through its own
`POST /_internal/v1/customActivities`, with exactly the attachment Teams sends (file.download.info with a
pre-authorised downloadUrl, served here by a local HTTP server); everything after it is clicked in the UI.
This module runs its own bot and Azurite, so the version it publishes does not reach the other end-to-end tests.
"""

from __future__ import annotations

import json
import threading
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from tests.e2e.ui import COMPOSE, click, send, settle, wait_for_card_text
from tests.support.activities import FILE_DOWNLOAD_INFO
from tests.support.policies import revised_docx
from tests.support.processes import REPO, import_staff, start_azurite, start_bot, start_playground

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def document_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The revised policy as Word, at a URL that answers a plain GET as Teams' downloadUrl does."""
    content = revised_docx(tmp_path_factory.mktemp("policy")).read_bytes()

    class Download(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
            self.send_response(200)
            self.send_header("Content-Type", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the signature http.server uses
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Download)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/download.aspx?tempauth=e2e"
    finally:
        server.shutdown()
        thread.join()
        server.server_close()


@pytest.fixture(scope="module")
def own_bot() -> Iterator[str]:
    """Azurite and the bot for this module only, polling for new versions every second, with the staff list."""
    with start_azurite(in_memory=True) as (_, connection_string), start_bot({
        "APP_ENV": "local", "AZURE_STORAGE_CONNECTION_STRING": connection_string, "LOG_LEVEL": "WARNING",
        "DELIVERY_INTERVAL_SECONDS": "1", "POLICY_POLL_SECONDS": "1", "CAMPAIGN_CHECK_INTERVAL_SECONDS": "5",
        # On the wall clock: the staff's cards go whenever it runs, not held for school hours.
        "SCHOOL_HOURS": "any"},
            ready_path="/readyz") as (_, base_url):
        import_staff(connection_string)
        yield f"{base_url}/api/messages"


@pytest.fixture
def clients(browser: Browser, own_bot: str) -> Iterator[Callable[[str], tuple[Page, str]]]:
    """Open a Teams client as `head` or `staff`: its page and its Playground's address."""
    with ExitStack() as stack:

        def open_as(identity: str) -> tuple[Page, str]:
            _, url = stack.enter_context(start_playground(REPO / "playground" / f"{identity}.yml", own_bot))
            page = browser.new_page(viewport={"width": 1280, "height": 1000})
            stack.callback(page.close)
            page.goto(url)
            page.locator(COMPOSE).wait_for(timeout=30_000)
            return page, url

        yield open_as


def _inject_file(playground: str, download_url: str) -> None:
    """The policy owner's file message, as Teams sends it, through the Playground's custom activity endpoint."""
    template_url = f"{playground}_internal/v1/customActivities/template?conversationId=a:personal-sian&type=botAdded"
    with urllib.request.urlopen(template_url, timeout=10) as response:
        activity = json.loads(response.read())
    activity.pop("membersAdded", None)
    activity.update({
        "type": "message", "text": "", "locale": "en-GB",
        "from": {**activity["from"], "name": "Siân Roberts"},
        "attachments": [
            {"contentType": FILE_DOWNLOAD_INFO, "name": "Social Media Policy 2026.docx",
             "contentUrl": "https://llanidloes.sharepoint.com/personal/sian/Documents/Social Media Policy 2026.docx",
             "content": {"downloadUrl": download_url, "uniqueId": "1E5A3B2C-7D4F-4A8B-9C6D-0E1F2A3B4C5D",
                         "fileType": "docx"}},
            {"contentType": "text/html", "content": "<div><div></div></div>"}],
    })
    request = urllib.request.Request(f"{playground}_internal/v1/customActivities", data=json.dumps(activity).encode(),
                                     headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200


def test_the_owner_publishes_staff_confirm_and_the_head_sees_the_count(
        clients: Callable[[str], tuple[Page, str]], document_url: str) -> None:
    staff, _ = clients("staff")
    send(staff, "hi")
    wait_for_card_text(staff, "Social media policy helper")
    head, head_playground = clients("head")
    send(head, "hi")
    wait_for_card_text(head, "Social media policy helper")
    before = settle(head)

    _inject_file(head_playground, document_url)
    preview = wait_for_card_text(head, "Publish a new version of the policy?", after=before)
    assert "2 (replaces version 1)" in preview.inner_text() and "Generative AI tools" in preview.inner_text()
    click(preview, "Publish version 2")
    wait_for_card_text(head, "Version 2 is now the current policy")

    request = wait_for_card_text(staff, "A new version of the staff social-media policy", timeout=30_000)
    assert "Generative AI tools" in request.inner_text()
    click(request, "I have read it")
    confirmed = wait_for_card_text(staff, "Thank you. You confirmed on")
    assert "version 2 of the policy" in confirmed.inner_text()

    send(head, "who has read it")
    count = wait_for_card_text(head, "Who has read version 2")
    assert "Llanidloes High School: read by 1 of 3" in count.inner_text()
    assert "Gareth Hughes, Siân Roberts" in count.inner_text()
    assert "Llanidloes Primary School: read by 0 of 2" in count.inner_text()
