"""What the command-line tools share: storage from the environment, as the bot reads it, and one way of saying
that a tool could not run."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator, Coroutine, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass

from azure.core.exceptions import ClientAuthenticationError

from bot.domain.errors import DomainError, NoAnswer, SignedInToAnotherTenant, StorageUnavailable
from bot.domain.people import Lang
from bot.settings import UnsafeSettings, load_settings
from bot.storage.tables import TableStore, open_store
from cards.i18n import load_catalogue, note_text


@asynccontextmanager
async def tool_store(tables: Iterable[str]) -> AsyncIterator[TableStore]:
    """Storage from the environment, with `tables` created if missing."""
    settings = load_settings(tool=True)
    async with open_store(connection_string=settings.storage_connection_string.get_secret_value(),
                          endpoint=settings.storage_table_endpoint, prefix=settings.table_prefix,
                          call_seconds=10) as store:
        await store.ensure_tables(tables)
        yield store


# What storage answers a request signed with a wrong account key: Azure, and Azurite.
KEY_REFUSED = ("AuthenticationFailed", "AuthorizationFailure")


def _by_key() -> bool:
    """Whether the tools reach storage with a connection string (its account key), not the technician's sign-in."""
    try:
        return bool(load_settings(tool=True).storage_connection_string.get_secret_value())
    except UnsafeSettings:
        return False


def storage_fault(error: DomainError, lang: Lang = Lang.EN) -> str:
    """Why storage failed a tool, in the README's words (in `lang`, a command's `--lang`): with the HTTP status and
    error code when the service answered (403 AuthorizationPermissionMismatch: the technician's data role of step 8 has
    not applied yet), else the kind of fault; for a key or sign-in refused, what to do about that one. Never the
    service's message, a key or a connection string."""
    strings = load_catalogue()
    if isinstance(error, SignedInToAnotherTenant):
        return strings.text("tool.fault.other_tenant", lang, signed_in=error.signed_in_tenant,
                            storage=error.storage_tenant)
    answer = error.__cause__
    status = getattr(answer, "status_code", None)
    code = getattr(answer, "error_code", None)
    code = getattr(code, "value", code)
    said = f"{status} {code}" if code else str(status)
    if code == "KeyBasedAuthenticationNotPermitted":  # the federation's storage (infra/main.bicep) takes no key
        return strings.text("tool.fault.no_key", lang, said=said)
    if _by_key() and (isinstance(answer, ClientAuthenticationError) or code in KEY_REFUSED):
        # Signed with the connection string's key: signing in with the Azure CLI would change nothing.
        return (strings.text("tool.fault.not_a_key", lang, kind=type(answer).__name__)
                if not isinstance(status, int) else
                strings.text("tool.fault.key_rejected", lang, said=said)) + ": " + strings.text("tool.fault.key_advice",
                                                                                               lang)
    if isinstance(answer, ClientAuthenticationError) and not isinstance(status, int):
        return strings.text("tool.fault.sign_in", lang)
    if not isinstance(status, int):
        # A StorageUnavailable names only the kind of fault (`bot.storage.tables.fault`); other errors may say more.
        kind = strings.text("tool.fault.no_answer", lang, seconds=f"{error.seconds:g}") \
            if isinstance(error, NoAnswer) else \
            str(error) if isinstance(error, StorageUnavailable) and str(error) else type(error).__name__
        return strings.text("tool.fault.unreachable", lang, kind=kind)
    if code == "AuthorizationPermissionMismatch":
        return strings.text("tool.fault.role_applying", lang, said=said)
    if status == 403:
        return strings.text("tool.fault.refused", lang, said=said)
    return strings.text("tool.fault.answered", lang, said=said)


def settings_fault(error: UnsafeSettings, lang: Lang = Lang.EN) -> str:
    """Why the settings cannot be used, in `lang` (a command's `--lang`) where the string tables say it."""
    return note_text(load_catalogue(), error.note, lang) if error.note is not None else str(error)


def run_tool(command: str, coroutine: Coroutine[None, None, int], lang: Lang = Lang.EN, *,
             part_way: str = "tool.nothing_changed") -> int:
    """Run a tool's work: 2 with the reason for unusable settings, input or an output file it cannot write, 1 with
    `storage_fault`'s when storage failed it (in `lang`, a command's `--lang`), then what that left (`part_way`, a key
    of the string tables: for a tool that changes things one by one, what it changed before it stopped)."""
    try:
        return asyncio.run(coroutine)
    except UnsafeSettings as error:
        print(f"{command}: {settings_fault(error, lang)}", file=sys.stderr)
        return 2
    except (ValueError, OSError) as error:
        print(f"{command}: {error}", file=sys.stderr)
        return 2
    except DomainError as error:
        print(f"{command}: {storage_fault(error, lang)}; {load_catalogue().text(part_way, lang)}", file=sys.stderr)
        return 1


@dataclass(frozen=True)
class Asking:
    """What `not_confirmed` says, in a command's own language: the question, and why nothing was done with no terminal
    to ask at, or with something else typed."""

    prompt: str
    no_terminal: str
    refused: str


def not_confirmed(word: str, *, command: str, doing: str, undone: str, asking: Asking | None = None) -> int:
    """0 once the person at the terminal types `word` ("Type 3 to publish it"); else why nothing was done, `undone`,
    with its exit code (2: no terminal to ask at, so --yes is needed; 1: something else was typed). `asking` says it
    all in other words (a command's `--lang`)."""
    asking = asking or Asking(
        prompt=f"Type {word} to {doing}, or anything else to stop: ",
        no_terminal=f"{undone}: run it in a terminal to confirm, or add --yes to {doing.removesuffix(' it')} without "
                    "asking",
        refused=f"not confirmed; {undone}")
    if not sys.stdin.isatty():
        print(f"{command}: {asking.no_terminal}", file=sys.stderr)
        return 2
    print(asking.prompt, end="", flush=True)
    if sys.stdin.readline().strip() == word:
        return 0
    print(f"{command}: {asking.refused}", file=sys.stderr)
    return 1
