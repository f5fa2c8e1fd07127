"""`python -m bot check-federation FILE`: read the federation's settings as the bot will, before deploying them."""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime
from pathlib import Path

from bot.command_lang import CommandParser, add_language_option, command_language
from bot.domain.federation import Federation, FederationConfigError, School, load_federation
from bot.domain.people import Lang, Person, StaffContact, is_entra_id
from bot.domain.uk_time import uk_today
from bot.settings import LOCAL_FEDERATION
from cards.i18n import Catalogue, load_catalogue, note_text


def _delegates(school: School) -> tuple[StaffContact, ...]:
    """The school's delegates who can take its headteacher's own requests (not the headteacher)."""
    return tuple(d for d in school.delegates if d.aad_object_id != school.headteacher.aad_object_id)


def _no_delegate(federation: Federation, school: School, strings: Catalogue, lang: Lang) -> str:
    """Why nobody may decide the headteacher's own requests at `school`, true of this federation: the school names no
    delegate (or only its headteacher), and the head heads every school; other schools' delegates decide only there."""
    head = school.headteacher.name
    key = "federation.why_only_the_head" if school.delegates else "federation.why_no_delegate"
    why = strings.text(key, lang, school=school.school_id, head=head)
    elsewhere = [s.school_id for s in federation.schools if s is not school and _delegates(s)]
    if elsewhere:
        schools = ", ".join(f'"{s}"' for s in elsewhere)
        why += strings.text("federation.why_elsewhere", lang, schools=schools)
    return why


def check_federation_command(argv: list[str]) -> int:
    """Print who decides and who is escalated to, and the school holidays, or the exact problem (exit 2); a warning (on
    stderr) for a school whose headteacher's own requests nobody may decide (the bot refuses them), a tenant id that
    is not one, no chair of governors, and school holidays that have all passed. In English or Welsh (`--lang`)."""
    parser = CommandParser(
        prog="python -m bot check-federation",
        description="Read the federation's settings file as the bot will, and print each school with its headteacher "
                    "and delegates, the policy owner, the chair of governors and the school holidays, or the exact "
                    "place that is wrong (exit 2). Reads no storage.")
    parser.add_argument("file", type=Path, help="the federation's settings, e.g. config/federation.json")
    add_language_option(parser)
    args = parser.parse_args(argv)
    lang = command_language(args.lang)
    strings = load_catalogue()

    def say(key: str, **values: object) -> str:
        return strings.text(key, lang, **values)

    try:
        federation = load_federation(args.file)
    except FederationConfigError as error:
        print(f"{args.file}: {note_text(strings, error.note, lang) if error.note else error}", file=sys.stderr)
        return 2
    print(f"{federation.name_en} / {federation.name_cy}; tenant {', '.join(federation.tenant_ids)}")
    for school in federation.schools:
        delegates = ", ".join(d.name for d in school.delegates) or say("federation.none")
        print(say("federation.school", id=school.school_id, name_en=school.name_en, name_cy=school.name_cy,
                  head=school.headteacher.name, delegates=delegates))
        head = Person(federation.tenant_ids[0], school.headteacher.aad_object_id, school.headteacher.name)
        own = federation.deciders_for(school, head)
        if not own:
            print(say("federation.warning", warning=say("federation.nobody_decides", id=school.school_id,
                                                        why=_no_delegate(federation, school, strings, lang))),
                  file=sys.stderr)
        elif not _delegates(school):
            print(say("federation.another_head_decides", names=", ".join(c.name for c in own)))
    chair = federation.chair_of_governors.name if federation.chair_of_governors else say("federation.none")
    print(say("federation.owner_and_chair", owner=federation.policy_owner.name, chair=chair))
    holidays = federation.school_holidays
    print(say("federation.holidays", count=len(holidays), first=min(h.first for h in holidays),
              last=max(h.last for h in holidays)) if holidays else say("federation.no_holidays"))
    everyone = {school.school_id for school in federation.schools}
    for holiday in holidays:
        if not holiday.closes_all(everyone):  # the rest close every school
            span = (say("federation.span", first=holiday.first, last=holiday.last) if holiday.last != holiday.first
                    else str(holiday.first))
            print(say("federation.only", schools=", ".join(holiday.schools), span=span)
                  + (f" ({holiday.name})" if holiday.name else ""))
    for warning in _warnings(federation, uk_today(datetime.now(UTC)), checked=args.file, strings=strings, lang=lang):
        print(say("federation.warning", warning=warning), file=sys.stderr)
    return 0


def _roles(federation: Federation, strings: Catalogue, lang: Lang) -> list[tuple[str, StaffContact]]:
    """Every person the settings name, with the role they are named in."""
    roles = [(strings.text("federation.role.head", lang, id=school.school_id), school.headteacher)
             for school in federation.schools]
    roles += [(strings.text("federation.role.delegate", lang, id=school.school_id), d) for school in federation.schools
              for d in school.delegates]
    roles.append((strings.text("federation.role.owner", lang), federation.policy_owner))
    if federation.chair_of_governors is not None:
        roles.append((strings.text("federation.role.chair", lang), federation.chair_of_governors))
    return roles


def _example(checked: Path) -> Federation | None:
    """The fictional example (config/federation.local.json, which step 2 copies), unless `checked` is that very file
    or the example is not beside the code (the deployed package has none)."""
    try:
        if checked.resolve() == LOCAL_FEDERATION.resolve():
            return None
        return load_federation(LOCAL_FEDERATION)
    except (FederationConfigError, OSError):
        return None


def _fictional_tenant(federation: Federation, example: Federation, strings: Catalogue, lang: Lang) -> str | None:
    """The example's fictional tenant still in a copy's `tenant_ids`, or None: the bot refuses to start on it."""
    left = [tenant for tenant in federation.tenant_ids if tenant in example.tenant_ids]
    if not left:
        return None
    return strings.text("federation.fictional_tenant", lang, tenants=", ".join(repr(t) for t in left))


def _fictional_people(federation: Federation, example: Federation, strings: Catalogue, lang: Lang) -> str | None:
    """The example's fictional people still named in a copy of it, or None: the bot would send their cards to
    nobody."""
    ids = {contact.aad_object_id for _, contact in _roles(example, strings, lang)}
    emails = {contact.email.lower() for _, contact in _roles(example, strings, lang) if contact.email}
    left = [f"{role} {contact.name}" for role, contact in _roles(federation, strings, lang)
            if contact.aad_object_id in ids or contact.email.lower() in emails]
    if not left:
        return None
    return strings.text("federation.fictional_people", lang, people=", ".join(left))


def _warnings(federation: Federation, today: date, *, checked: Path, strings: Catalogue,
              lang: Lang = Lang.EN) -> list[str]:
    """What the bot can run with but the federation would miss: a tenant id that Teams never sends, the example's
    fictional tenant and people in a copy of it (`checked` is the file read), no chair, school holidays that have all
    passed (last year's list, never brought up to date)."""
    said = [strings.text("federation.not_a_tenant", lang, tenant=repr(tenant)) for tenant in federation.tenant_ids
            if not is_entra_id(tenant)]
    if example := _example(checked):
        said += [warning for warning in (_fictional_tenant(federation, example, strings, lang),
                                         _fictional_people(federation, example, strings, lang)) if warning]
    if federation.chair_of_governors is None:
        said.append(strings.text("federation.no_chair", lang))
    if not federation.school_holidays:
        return said
    add = strings.text("federation.add_holidays", lang)
    last = {school.school_id: max((h.last for h in federation.school_holidays if h.closes_all([school.school_id])),
                                  default=None) for school in federation.schools}
    if len(set(last.values())) == 1:  # one list for every school, as before holidays could name their school
        ended = next(iter(last.values()))
        if ended is not None and ended < today:
            said.append(strings.text("federation.holidays_ended", lang, ended=ended, add=add))
        return said
    for school in federation.schools:
        ended = last[school.school_id]
        if ended is None:
            said.append(strings.text("federation.no_holidays_for", lang, id=school.school_id, name=school.name(lang),
                                     add=add))
        elif ended < today:
            said.append(strings.text("federation.holidays_ended_for", lang, id=school.school_id, name=school.name(lang),
                                     ended=ended, add=add))
    return said
