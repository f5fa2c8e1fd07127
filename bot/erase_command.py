"""`python -m bot erase-person PERSON [--dry-run | --yes]`: for a request to erase (UK GDPR Article 17), delete what the
bot holds of one member of staff that is no record the school keeps: every question they asked, with its messages, their
daily counts, and, once they are off the staff list and out of the federation's settings, their profile (for someone
still here the bot writes it again at their next message, and cards owed to them could not reach them meanwhile).

Permission requests and their audit trail (the governors' record of decisions), concern reports (made by them, about
them or held by them: kept for their retention period), read-and-confirm rows and the staff list are kept, and listed by
kind: the data protection officer decides on those. PERSON is found as `export-subject-access` finds it. It says what it
would erase and waits for "erase" to be typed before it deletes anything (`--yes`: without asking).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections import Counter

from bot.command_lang import CommandParser, add_language_option, command_language
from bot.domain.errors import DomainError
from bot.domain.people import Lang
from bot.policy.notes import note
from bot.settings import UnsafeSettings, load_federation_settings, load_settings
from bot.storage.subject_access import Kind, erase, rows_about
from bot.storage.tables import open_store
from bot.subject_access_command import NotFound, kind_text, person_in_records, settings_roles
from bot.tools import Asking, not_confirmed, settings_fault, storage_fault
from cards.i18n import load_catalogue

COMMAND = "erase-person"
# What `erase` deletes; every other kind of row is kept.
ERASED = frozenset({Kind.QUESTION_ASKED, Kind.DAILY_LIMIT, Kind.PROFILE})


async def _erase(args: argparse.Namespace, lang: Lang) -> int:
    strings = load_catalogue()
    settings = load_settings(tool=True)
    federation = load_federation_settings(settings)
    async with open_store(connection_string=settings.storage_connection_string.get_secret_value(),
                          endpoint=settings.storage_table_endpoint, prefix=settings.table_prefix,
                          call_seconds=10) as store:
        wanted, staff = await person_in_records(store, federation, args.person, args.email)
        subject = wanted.subject
        object_id = subject.object_id
        on_list = any(m.aad_object_id.lower() == object_id for m in staff)
        roles = settings_roles(federation, object_id)
        if not on_list and not roles and not await rows_about(store, subject):
            raise NotFound(note("erase.not_in_records", object_id=object_id))

        async def once(dry_run: bool) -> None:
            """Erase (or, dry, find) and say what went and what is kept."""
            erased = await erase(store, subject, policy_owner=federation.policy_owner,
                                 profile=not (on_list or roles), dry_run=dry_run)
            gone = set(erased.questions)  # a dry run still finds their questions' messages
            kept = Counter(row.kind for row in await rows_about(store, subject)
                           if row.kind not in ERASED and row.reference.partition("|")[0] not in gone)
            name = wanted.name or next(iter(sorted(subject.names)), "") or object_id
            profile = (strings.text("erase.profiles", lang, count=erased.profiles) if not (on_list or roles) else
                       strings.text("erase.not_profile_listed", lang) if on_list else
                       strings.text("erase.not_profile_settings", lang,
                                    roles=", ".join(settings_roles(federation, object_id, lang))))
            print(strings.text("erase.would_erase" if dry_run else "erase.erased", lang, name=name,
                               object_id=object_id, count=len(erased.questions), counts=erased.counts,
                               profile=profile))
            if erased.changed:
                print(strings.text("erase.changed", lang, count=len(erased.changed)))
            if kept:
                print(strings.text("erase.kept", lang))
                for kind in Kind:
                    if kept[kind]:
                        print(f"  {kept[kind]:>4}  {kind_text(kind, lang)}")

        if args.dry_run or not args.yes:
            await once(dry_run=True)
            if args.dry_run:
                return 0
            asking = Asking(prompt=strings.text("erase.type_to_confirm", lang, word="erase"),
                            no_terminal=strings.text("erase.no_terminal", lang),
                            refused=strings.text("erase.not_confirmed", lang))
            if stopped := not_confirmed("erase", command=COMMAND, doing="delete it", undone="nothing was deleted",
                                        asking=asking):
                return stopped
        await once(dry_run=False)
    return 0


def erase_person_command(argv: list[str]) -> int:
    """Erase, or say why not (exit 2: the person or the settings; exit 1: storage, part of it perhaps done)."""
    parser = CommandParser(
        prog=f"python -m bot {COMMAND}",
        description="For a request to erase (UK GDPR Article 17): delete every question one member of staff asked "
                    "(with its messages), their daily counts and, once they are off the staff list, their profile. "
                    "Permission requests, concern reports and read-and-confirm rows are kept and listed.")
    parser.add_argument("person", metavar="PERSON",
                        help="their Entra object id, or their email or name as on the staff list")
    parser.add_argument("--email", action="append", default=[], metavar="ADDRESS",
                        help="another address the records may know them by (someone no longer on the staff list)")
    parser.add_argument("--dry-run", action="store_true", help="say what would be erased, and delete nothing")
    parser.add_argument("--yes", action="store_true",
                        help="delete without asking first (for a script); without it, it says what it would erase "
                             'and waits for "erase" to be typed')
    add_language_option(parser)
    args = parser.parse_args(argv)
    lang = command_language(args.lang)
    try:
        return asyncio.run(_erase(args, lang))
    except UnsafeSettings as error:
        print(f"{COMMAND}: {settings_fault(error, lang)}", file=sys.stderr)
        return 2
    except NotFound as error:  # the person cannot be told, so nothing of theirs was touched
        print(f"{COMMAND}: {error.said('erase.nothing_deleted', lang)}", file=sys.stderr)
        return 2
    except DomainError as error:
        strings = load_catalogue()
        done = strings.text("tool.nothing_changed" if args.dry_run else "erase.stopped_part_way", lang)
        print(f"{COMMAND}: {storage_fault(error, lang)}; {done}", file=sys.stderr)
        return 1
