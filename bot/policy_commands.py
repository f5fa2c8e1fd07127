"""Command-line tools for policy versions: publish-policy, policy-versions, rollback-policy and
export-acknowledgements. Storage comes from the environment, as the bot reads it; a running bot sends the cards
these queue, and every instance answers from a newly current version within POLICY_POLL_SECONDS.

The version in force is the one stored, else the policy file the bot ships with (the deployment sets no
POLICY_FILE). POLICY_FILE in the shell of whoever runs these is for checking a new version (ask, validate-policy,
check-policy): it is named when it points elsewhere, never taken for the version in force."""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from bot.command_lang import CommandParser, add_language_option, command_language
from bot.domain.directory import StaffMember
from bot.domain.errors import ConcurrentChange, RecordExists, RecordNotFound, StorageUnavailable
from bot.domain.federation import Federation, School
from bot.domain.outbox import QueueingNotifier
from bot.domain.people import Lang, Person
from bot.domain.policy_reads import (
    AskedStaff,
    Confirmation,
    ReminderDelivery,
    Withheld,
    WithheldBecause,
    person_key,
)
from bot.domain.policy_versions import BY_COMMAND, PublishRefused, version_number
from bot.export import EXCEL_ENCODING, OUT_HELP, export_cell, not_a_csv, uk_time
from bot.policy.documents import read_source
from bot.policy.importer import PolicyImportError
from bot.policy.loader import DEFAULT_POLICY_FILE, PolicyFileError, load_policy, load_policy_data, policy_from_data
from bot.policy.model import Policy
from bot.policy.notes import os_fault
from bot.settings import Settings, load_federation_settings, load_settings
from bot.storage.directory import TableStaffDirectory
from bot.storage.outbox import TableOutbox
from bot.storage.policy_reads import TablePolicyReads
from bot.storage.policy_versions import TablePolicyVersions
from bot.storage.tables import TableStore
from bot.storage.users import TableUserProfiles
from bot.tools import Asking, not_confirmed, run_tool, tool_store
from cards.i18n import Catalogue, load_catalogue, note_text, refusal_text
from cards.publishing import cards_go_text, previous_unconfirmed
from dialogs.policy_reads import ReadingFlow, reminders_delivered
from dialogs.publishing import AudienceChanged, InForceChanged, Proposal, PublishingFlow

IMPORT_STAFF = "python -m bot import-staff"  # named by the command's lines, never by a card
TABLES = ("policies", "policyreads", "directory", "outbox", "outboxsent", "users")
# Scripts and spreadsheets read these by name and place: new columns go after the last.
# The status of someone asked to read a version since replaced who did not confirm it, as the heads' count says it.
NOT_CONFIRMED_IN_FORCE = "did not confirm it while it was in force"
ACKNOWLEDGEMENT_COLUMNS = ["version", "school", "name", "email", "asked at", "reminded at", "read at", "status",
                           "reminders", "reminder times", "reminders not sent (already read)",
                           "reminders waiting (bot not opened yet)", "reminders refused by Teams (tried again)",
                           "reminders taken back unsent", "reminders held for school hours"]


@dataclass(frozen=True)
class _Tools:
    settings: Settings
    federation: Federation
    strings: Catalogue
    store: TableStore

    def versions(self) -> TablePolicyVersions:
        return TablePolicyVersions(self.store)

    def reading(self) -> ReadingFlow:
        return ReadingFlow(strings=self.strings, federation=self.federation, versions=self.versions(),
                           reads=TablePolicyReads(self.store), directory=TableStaffDirectory(self.store),
                           notifier=QueueingNotifier(TableOutbox(self.store)), profiles=TableUserProfiles(self.store))

    def publishing(self) -> PublishingFlow:
        return PublishingFlow(strings=self.strings, federation=self.federation, versions=self.versions(),
                              reading=self.reading(), directory=TableStaffDirectory(self.store),
                              shipped=lambda: load_policy_data(DEFAULT_POLICY_FILE))

    def checking_note(self, lang: Lang) -> str:
        """One line naming POLICY_FILE when it names another file than the one the bot ships with, else "" (in
        `lang`, a command's `--lang`)."""
        chosen = self.settings.policy_file
        if chosen.resolve() == DEFAULT_POLICY_FILE.resolve():
            return ""
        try:
            named = self.strings.text("versions.named", lang, file=chosen,
                                      version=load_policy(chosen).details.version or "?")
        except (PolicyFileError, OSError):
            named = str(chosen)
        return self.strings.text("versions.checking_note", lang, named=named, shipped=DEFAULT_POLICY_FILE)


@asynccontextmanager
async def _tools() -> AsyncIterator[_Tools]:
    settings = load_settings(tool=True)
    federation = load_federation_settings(settings)
    async with tool_store(TABLES) as store:
        yield _Tools(settings, federation, load_catalogue(), store)


def _refused(command: str, strings: Catalogue, refused: PublishRefused, lang: Lang) -> int:
    """Why nothing was published, in the language of the command's notes (`--lang`)."""
    print(f"{command}: {strings.text(refused.key, lang, **refused.values)}", file=sys.stderr)
    return 1


async def _current_policy(tools: _Tools) -> Policy | None:
    """The current version (its Welsh headings are kept by the importer), or the file the bot ships with."""
    versions = tools.versions()
    pointer = await versions.get_pointer()
    try:
        if pointer is not None:
            return policy_from_data(await versions.get_policy_data(pointer.version))
        return load_policy(DEFAULT_POLICY_FILE)
    except PolicyFileError:
        return None


def _proposal_text(proposal: Proposal, strings: Catalogue, lang: Lang, *,
                   goes: Sequence[tuple[School, datetime]] = (), now: datetime | None = None,
                   say_when: bool = True) -> str:
    """What publishing will do, as the preview in Teams says it: the version, who is sent a card, and when (`goes`, by
    school, when cards queued `now` reach staff: not "at once" outside school hours; the line saying when left out
    with `say_when` False, for `--yes`, whose line after publishing says it), and how many have still to confirm the
    version it replaces (in the language of `--lang`)."""
    version, asked = proposal.plan.version, proposal.audience
    later = cards_go_text(strings, lang, goes=goes, now=now) if now is not None and asked.asked else ""
    named = (strings.text("publish.cmd_named_replacing", lang, version=version, current=proposal.replaces)
             if proposal.replaces else strings.text("publish.cmd_named", lang, version=version))
    if not asked.listed:
        return strings.text("publish.cmd_no_staff_list", lang, named=named, command=IMPORT_STAFF)
    schools = ", ".join(f"{school.name(lang)} {count}" for school, count in asked.schools)
    if proposal.plan.reinstate:  # those on the staff list who have not confirmed it are asked to read it again
        return (strings.text("publish.cmd_reinstate_asks", lang, version=version, count=asked.asked, schools=schools)
                + ("\n" + later if later and say_when else "") if asked.asked
                else strings.text("publish.cmd_reinstate_all_read", lang, version=version))
    said = strings.text("publish.cmd_will_ask_held" if later else "publish.cmd_will_ask", lang, named=named,
                        count=asked.asked, schools=schools)
    if asked.unreachable:
        said += "; " + strings.text("publish.cmd_unreachable", lang, count=asked.unreachable)
    if later and say_when:
        said += "\n" + later
    if proposal.unconfirmed and proposal.replaces:
        said += "\n" + previous_unconfirmed(strings, lang, previous=proposal.replaces, version=version,
                                            count=proposal.unconfirmed)
    return said


def publish_policy_command(argv: list[str]) -> int:
    """`publish-policy SOURCE [--by NAME] [--yes]`: check a .docx, .txt or .json policy, say who it asks to read it,
    and once confirmed (the version number typed, or --yes) make it the current version."""
    parser = CommandParser(
        prog="python -m bot publish-policy",
        description="Check the policy document (.docx or .txt, read as import-policy reads it) or policy file "
                    "(.json), say how many members of staff at which schools it asks to read it, and once you type "
                    "its version number (or with --yes) store it as the current version and ask them.")
    parser.add_argument("source", type=Path, metavar="SOURCE",
                        help="the policy document (.docx or .txt) or a policy file (.json) from import-policy")
    parser.add_argument("--by", default=BY_COMMAND, metavar="NAME",
                        help="who is publishing, for the record (cards name the policy owner without it)")
    parser.add_argument("--yes", action="store_true",
                        help="publish without asking first (for a script: it says who it asks, then asks them)")
    add_language_option(parser)
    args = parser.parse_args(argv)
    lang = command_language(args.lang)
    try:  # before storage, so that a mistyped name is not taken for a storage fault
        with args.source.open("rb"):
            pass
    except OSError as error:
        strings = load_catalogue()
        print("publish-policy: " + strings.text("publish.cmd_cannot_read", lang, file=args.source, reason=note_text(
            strings, os_fault(error, reading=True), lang)), file=sys.stderr)
        return 2

    async def run() -> int:
        async with _tools() as tools:
            if note := tools.checking_note(lang):
                print(note, file=sys.stderr)
            try:
                # The shipped file lends the Welsh of a heading the version in force dropped and this one brings back.
                imported = read_source(args.source, await _current_policy(tools),
                                       earlier=(load_policy(DEFAULT_POLICY_FILE),))
            except PolicyImportError as error:
                print(f"publish-policy: {refusal_text(tools.strings, error, lang)}; "
                      + tools.strings.text("publish.cmd_nothing_published", lang), file=sys.stderr)
                return 1
            for noticed in imported.warnings:
                print(f"{'nodyn' if lang is Lang.CY else 'note'}: {note_text(tools.strings, noticed, lang)}",
                      file=sys.stderr)
            publisher = Person(tools.federation.tenant_ids[0], "", args.by)
            publishing = tools.publishing()
            try:
                proposal = await publishing.propose(imported.data)
                # With --yes nothing is asked between the two: when the cards go is said once, after publishing.
                print(_proposal_text(proposal, tools.strings, lang, goes=publishing.cards_go(proposal.audience),
                                     now=publishing.now(), say_when=not args.yes))
                strings, word = tools.strings, proposal.plan.version
                asking = Asking(prompt=strings.text("publish.cmd_type_to_confirm", lang, word=word),
                                no_terminal=strings.text("publish.cmd_no_terminal", lang),
                                refused=strings.text("publish.cmd_not_confirmed", lang))
                if not args.yes and (stopped := not_confirmed(word, command="publish-policy", doing="publish it",
                                                              undone="nothing was published", asking=asking)):
                    return stopped
                published = await publishing.publish(
                    imported.data, by=publisher,
                    expected_asked=None if proposal.plan.reinstate else proposal.audience.asked,
                    expected_replaces=proposal.replaces)
            except PublishRefused as refused:
                return _refused("publish-policy", tools.strings, refused, lang)
            except InForceChanged as moved:
                print("publish-policy: " + tools.strings.text("publish.command_in_force_changed", lang,
                                                              version=moved.version, now=moved.now, was=moved.was),
                      file=sys.stderr)
                return 1
            except AudienceChanged as changed:
                print("publish-policy: " + tools.strings.text("publish.cmd_audience_changed", lang,
                                                              version=changed.version, count=changed.now.asked,
                                                              was=changed.was), file=sys.stderr)
                return 1
        strings = tools.strings
        if published.cards_later:
            print(strings.text("publish.cmd_done_later", lang, version=published.version))
        elif published.staff is None:
            print(strings.text("publish.cmd_done_no_staff", lang, version=published.version, command=IMPORT_STAFF))
        elif published.reinstated:
            print(strings.text("publish.cmd_done_reinstated_asks", lang, version=published.version,
                               count=published.staff) if published.staff
                  else strings.text("publish.cmd_done_reinstated_all_read", lang, version=published.version))
            if published.staff and (said := cards_go_text(strings, lang, goes=publishing.cards_go(published.audience),
                                                          now=publishing.now())):
                print(said)
        else:
            print(strings.text("publish.cmd_done", lang, version=published.version, count=published.staff)
                  + ("; " + strings.text("publish.cmd_unreachable", lang, count=published.unreachable)
                     if published.unreachable else ""))
            if said := cards_go_text(strings, lang, goes=publishing.cards_go(published.audience), now=publishing.now()):
                print(said)
        return 0

    return run_tool("publish-policy", run(), lang)


def policy_versions_command(argv: list[str]) -> int:
    """`policy-versions`: every stored version, the current one marked, published times in UK time."""
    parser = CommandParser(prog="python -m bot policy-versions",
                                     description="List the policy versions kept in storage.")
    add_language_option(parser)
    lang = command_language(parser.parse_args(argv).lang)

    async def run() -> int:
        async with _tools() as tools:
            strings = tools.strings
            if note := tools.checking_note(lang):
                print(note, file=sys.stderr)
            versions = tools.versions()
            pointer = await versions.get_pointer()
            stored = await versions.list_versions()
            if not stored:
                default = load_policy(DEFAULT_POLICY_FILE).details.version or "?"
                print(strings.text("versions.none_stored", lang, file=DEFAULT_POLICY_FILE, version=default))
                return 0
            for record in stored:
                mark = "*" if pointer is not None and record.version == pointer.version else " "
                issued = record.date_of_issue.isoformat() if record.date_of_issue else "-"
                # The version the bot was installed with was never published: it was kept when the first one was.
                at = uk_time(record.published_at)
                published = (strings.text("versions.published", lang, at=at, by=record.published_by)
                             if record.campaign else strings.text("versions.shipped", lang, at=at))
                print(strings.text("versions.line", lang, mark=mark, version=record.version, issued=issued,
                                   published=published, title=record.title,
                                   file=record.file or strings.text("versions.policy_file", lang),
                                   sha=record.sha256[:12]))
            print(strings.text("versions.current_mark", lang))
        return 0

    return run_tool("policy-versions", run(), lang)


def rollback_policy_command(argv: list[str]) -> int:
    """`rollback-policy VERSION [--by NAME]`: make a stored version current again (the cards of other versions still
    waiting are taken back; staff asked to read it who have not confirmed it are sent its card again)."""
    parser = CommandParser(prog="python -m bot rollback-policy",
                                     description="Make a stored policy version the current one again, once you "
                                                 "type its version number (or with --yes).")
    parser.add_argument("version", metavar="VERSION",
                        help="the stored version to make current, as policy-versions lists it (3, not v3)")
    parser.add_argument("--by", default=BY_COMMAND, metavar="NAME",
                        help="who is making it current, for the record")
    parser.add_argument("--yes", action="store_true",
                        help="make it current without asking first (for a script)")
    add_language_option(parser)
    args = parser.parse_args(argv)
    lang = command_language(args.lang)

    async def run() -> int:
        async with _tools() as tools:
            strings, versions = tools.strings, tools.versions()
            try:
                wanted = version_number(args.version)
                # As stored ("2.0" is version 2), so the pointer names it as every record and card does.
                record = await versions.get(args.version)
                version = record.version
            except (PublishRefused, RecordNotFound):
                stored = ", ".join(v.version for v in await versions.list_versions()) or strings.text(
                    "rollback.none_stored", lang)
                print("rollback-policy: " + strings.text("rollback.not_stored", lang, asked=repr(args.version),
                                                         stored=stored), file=sys.stderr)
                return 1
            pointer = await versions.get_pointer()
            if pointer is not None and version_number(pointer.version) == wanted:
                print(strings.text("rollback.already_current", lang, version=pointer.version))
                return 0
            # A version staff were asked to read is asked again of those who have not confirmed it (`settle`): with
            # everyone on the staff list having confirmed it, of nobody, as publish-policy sending it again says.
            again = await tools.reading().not_confirmed(version) if record.campaign else None
            asks = "_asking" if again is not None and (again.asked or not again.listed) else ""
            print(strings.text(f"rollback.will_replacing{asks}", lang, version=version, current=pointer.version)
                  if pointer else strings.text(f"rollback.will{asks}", lang, version=version))
            # When its cards go (outside school hours), said before it asks, as publish-policy says it (with --yes,
            # which asks nothing, once, after it is done).
            if asks and not args.yes and (later := cards_go_text(strings, lang, goes=tools.publishing().cards_go(None),
                                                 now=tools.publishing().now())):
                print(later)
            asking = Asking(prompt=strings.text("rollback.type_to_confirm", lang, word=version),
                            no_terminal=strings.text("rollback.no_terminal", lang),
                            refused=strings.text("rollback.not_confirmed", lang))
            if not args.yes and (stopped := not_confirmed(version, command="rollback-policy", doing="make it current",
                                                          undone="nothing was changed", asking=asking)):
                return stopped
            try:
                await versions.make_current(version, by=args.by, expected=pointer)
            except (ConcurrentChange, RecordExists):  # published or rolled back elsewhere while this waited
                now = await versions.get_pointer()
                print("rollback-policy: " + strings.text("rollback.in_force_changed", lang, version=version,
                                                         now=now.version if now else "?"), file=sys.stderr)
                return 1
            goes = ""
            try:
                # Cards of other versions still waiting would ask staff to confirm a version no longer in force.
                await tools.reading().settle(version)
                await versions.campaign_queued(version)
                settled = ""
                if asks:  # its cards sent again wait for school hours, as publish-policy's do
                    publishing = tools.publishing()
                    goes = cards_go_text(strings, lang, goes=publishing.cards_go(None), now=publishing.now())
            except StorageUnavailable:
                settled = strings.text("rollback.settled_later", lang)
        was = strings.text("rollback.was", lang, previous=pointer.version) if pointer else ""
        # No number of seconds: this shell's POLICY_POLL_SECONDS is not the running bots', which it cannot read.
        print(strings.text(f"rollback.done{asks}", lang, version=version, was=was, settled=settled))
        if goes:
            print(goes)
        return 0

    return run_tool("rollback-policy", run(), lang)


def _time(moment: datetime | None) -> str:
    return uk_time(moment) if moment else ""


def _reminders(request: AskedStaff | None, withheld: set[tuple[str, int]], read_first: set[tuple[str, int]],
               delivery: Mapping[str, ReminderDelivery] | None) -> list[str]:
    """The latest reminder's time, how many they had, when each was ("; " between), how many were not sent as they had
    read it by then, and, with `delivery` (what became of each, by object id), how many wait for them to open the bot,
    wait after Teams refused them, were taken back unsent, and are only held until school hours (queued at night or on a
    day off: they go at the start of the next working day's hours, and are not waiting for the person). A reminder
    they had is one Teams took (with no
    `delivery`, one queued and not withheld); one withheld (`withheld`, by object id and number; `read_first`, those
    withheld as they had read it) is not one they had."""
    if request is None:
        return ["", "0", "", "0", *(("0", "0", "0", "0") if delivery is not None else ("", "", "", ""))]
    person = request.object_id.lower()
    numbered = list(enumerate(request.each_reminder(), start=1))
    kept = sum(1 for number, _ in numbered if (person, number) in read_first)
    fate = delivery.get(person, ReminderDelivery()) if delivery is not None else None
    if fate is None:
        had = [at for number, at in numbered if (person, number) not in withheld]
        after: list[str] = ["", "", "", ""]
    else:
        had = [at for number, at in numbered if number in fate.sent]
        taken = sum(1 for number, _ in numbered if number not in fate.sent | fate.waiting | fate.refused | fate.held
                    and (person, number) not in withheld)
        after = [str(len(fate.waiting)), str(len(fate.refused)), str(taken), str(len(fate.held))]
    latest = next((at for at in reversed(had) if at is not None), None)
    return [_time(latest), str(len(had)), "; ".join(_time(at) if at else "(time not kept)" for at in had), str(kept),
            *after]


def acknowledgements_csv(version: str, *, staff: Sequence[StaffMember], asked: Sequence[AskedStaff],
                         confirmed: Sequence[Confirmation], school_names: dict[str, str],
                         replaced: bool = False, withheld: Sequence[Withheld] = (),
                         delivery: Mapping[str, ReminderDelivery] | None = None) -> str:
    """One row per member of staff (on the list now, or asked when the campaign reached them; one person is one
    Entra object id, whatever their email was) and per person who confirmed; every field quoted, and cells a
    spreadsheet would run as formulas defused. Someone who left before confirming is not "not yet": the heads' count
    leaves them out, and nobody is to chase them. `replaced`: the version is no longer in force, so staff on the list
    never asked to read it (they started after it was replaced) are not listed, as the heads' count leaves them out,
    and those who did not confirm it are not "not yet" (nobody can confirm it now), as her count does not say so either.
    `withheld`: the cards not sent as they were to go (read by then, or the version replaced): a reminder withheld is
    not one they had, and one withheld as they had read it is counted apart. `delivery`: what became of each person's
    reminders (`reminders_delivered`), so those counted are those that reached them, and the rest say why not."""
    read = {c.person.aad_object_id.lower(): c for c in confirmed}
    not_sent = {(w.person.aad_object_id.lower(), w.number) for w in withheld if w.number > 0}
    read_first = {(w.person.aad_object_id.lower(), w.number) for w in withheld
                  if w.number > 0 and w.because is WithheldBecause.CONFIRMED}
    if replaced:
        counted = set(read) | {a.object_id.lower() for a in asked if a.object_id}
        staff = [m for m in staff if m.aad_object_id and m.aad_object_id.lower() in counted]
    requests: dict[str, AskedStaff] = {}
    for a in sorted(asked, key=lambda a: a.asked_at):  # the first time they were reached
        requests.setdefault(person_key(a.email, a.object_id), a)
    people = {person_key(m.email, m.aad_object_id): (m.email, m.name, m.school, m.aad_object_id) for m in staff}
    listed_ids = {m.aad_object_id.lower() for m in staff if m.aad_object_id}
    listed_emails = {m.email.lower() for m in staff}
    left: set[str] = set()
    for key, a in requests.items():
        # Those asked who have left: by their Entra id (an address given to a new starter since is not them); one
        # asked before the list had their id, by their email (the list has them under it, now with their id).
        if a.object_id.lower() not in listed_ids if a.object_id else a.email.lower() not in listed_emails:
            people.setdefault(key, (a.email, a.name, a.school, a.object_id))
            left.add(key)
    rows = []
    for key, (email, name, school, object_id) in people.items():
        confirmation = read.pop(object_id.lower(), None) if object_id else None
        request = requests.get(key)
        # A version no longer in force cannot be confirmed now (its card brings the one in force): not "not yet".
        status = ("read" if confirmation else "left the staff list before confirming" if key in left
                  else NOT_CONFIRMED_IN_FORCE if object_id and replaced else "not yet" if object_id
                  else "not reachable: no Entra id on the list")
        reminded_at, *reminders = _reminders(request, not_sent, read_first, delivery)
        rows.append([version, school_names.get(school, school), name, email, _time(request.asked_at if request
                     else None), reminded_at, _time(confirmation.read_at if confirmation else None), status,
                     *reminders])
    rows += [[version, "not on the staff list", c.person.name, "", "", "", _time(c.read_at), "read", "", "", "",
              "", "", "", ""] for c in read.values()]
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL)
    writer.writerow(ACKNOWLEDGEMENT_COLUMNS)
    ordered = sorted(rows, key=lambda r: (r[1], r[2].casefold()))
    writer.writerows([[export_cell(cell) for cell in row] for row in ordered])
    return out.getvalue()


def export_acknowledgements_command(argv: list[str]) -> int:
    """`export-acknowledgements --version V [--out FILE]`: who has read a version, as CSV for the governors."""
    parser = CommandParser(prog="python -m bot export-acknowledgements",
                                     description="Who was asked to read a policy version and who confirmed it.")
    parser.add_argument("--version", required=True, metavar="V",
                        help="the version staff were asked to read, as policy-versions lists it")
    parser.add_argument("--out", type=Path, metavar="FILE", help=OUT_HELP)
    add_language_option(parser)
    args = parser.parse_args(argv)
    lang = command_language(args.lang)
    if refused := not_a_csv(args.out, lang):
        print(f"export-acknowledgements: {refused}", file=sys.stderr)
        return 2

    async def run() -> int:
        async with _tools() as tools:
            strings, versions = tools.strings, tools.versions()
            try:
                version_number(args.version)
                record = await versions.get(args.version)
            except (PublishRefused, RecordNotFound):
                print("export-acknowledgements: " + strings.text("acknowledgements.not_stored", lang,
                                                                 asked=repr(args.version)), file=sys.stderr)
                return 1
            if not record.campaign:  # "not yet" beside everyone would tell the governors nobody read it
                asked = [v.version for v in await versions.list_versions() if v.campaign]
                latest = max(asked, key=version_number, default="")
                print("export-acknowledgements: "
                      + strings.text("acknowledgements.never_asked", lang, version=record.version)
                      + (strings.text("acknowledgements.asked_instead", lang, version=latest,
                                      option=f"--version {latest}") if latest else ""),
                      file=sys.stderr)
                return 1
            reads = TablePolicyReads(tools.store)
            pointer = await versions.get_pointer()
            replaced = pointer is not None and version_number(pointer.version) != version_number(record.version)
            were_asked = await reads.list_asked(record.version)
            text = acknowledgements_csv(  # as stored: "--version 2.0" is version 2
                record.version, staff=await TableStaffDirectory(tools.store).list_members(),
                asked=were_asked, confirmed=await reads.list_confirmed(record.version),
                school_names={s.school_id: s.name_en for s in tools.federation.schools}, replaced=replaced,
                withheld=await reads.list_withheld(record.version),
                delivery=await reminders_delivered(TableOutbox(tools.store), record.version, were_asked,
                                                   tools.federation.tenant_ids[0]))
            if replaced and pointer is not None:
                print(strings.text("acknowledgements.replaced", lang, version=record.version,
                                   current=pointer.version), file=sys.stderr)
        if args.out:
            try:
                args.out.write_text(text, encoding=EXCEL_ENCODING, newline="")
            except OSError as error:  # a folder that does not exist, no permission, a full disk
                print("export-acknowledgements: " + strings.text("tool.cannot_write", lang, file=args.out,
                                                                 reason=note_text(strings, os_fault(error), lang)),
                      file=sys.stderr)
                return 2
            print(strings.text("acknowledgements.wrote", lang, count=text.count(chr(10)) - 1, out=args.out),
                  file=sys.stderr)
        else:
            sys.stdout.write(text)
        return 0

    return run_tool("export-acknowledgements", run(), lang)
