"""`python -m bot check-federation FILE`: read the federation's settings as the bot will, before deploying them."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, date, datetime
from pathlib import Path

from bot.domain.federation import Federation, FederationConfigError, School, load_federation
from bot.domain.people import Person, StaffContact, is_entra_id
from bot.domain.uk_time import uk_today
from bot.settings import LOCAL_FEDERATION


def _delegates(school: School) -> tuple[StaffContact, ...]:
    """The school's delegates who can take its headteacher's own requests (not the headteacher)."""
    return tuple(d for d in school.delegates if d.aad_object_id != school.headteacher.aad_object_id)


def _no_delegate(federation: Federation, school: School) -> str:
    """Why nobody may decide the headteacher's own requests at `school`, true of this federation: the school names no
    delegate (or only its headteacher), and the head heads every school; other schools' delegates decide only there."""
    head = school.headteacher.name
    named = "names no delegate but its headteacher" if school.delegates else "names no delegate"
    why = f'school "{school.school_id}" {named}, and {head} heads every school, so no other headteacher can take them'
    elsewhere = [s.school_id for s in federation.schools if s is not school and _delegates(s)]
    if elsewhere:
        schools = ", ".join(f'"{s}"' for s in elsewhere)
        why += f" (the delegates of {schools} decide only their own school's requests)"
    return why


def check_federation_command(argv: list[str]) -> int:
    """Print who decides and who is escalated to, and the school holidays, or the exact problem (exit 2); a warning (on
    stderr) for a school whose headteacher's own requests nobody may decide (the bot refuses them), a tenant id that
    is not one, no chair of governors, and school holidays that have all passed."""
    parser = argparse.ArgumentParser(
        prog="python -m bot check-federation",
        description="Read the federation's settings file as the bot will, and print each school with its headteacher "
                    "and delegates, the policy owner, the chair of governors and the school holidays, or the exact "
                    "place that is wrong (exit 2). Reads no storage.")
    parser.add_argument("file", type=Path, help="the federation's settings, e.g. config/federation.json")
    args = parser.parse_args(argv)
    try:
        federation = load_federation(args.file)
    except FederationConfigError as error:
        print(f"{args.file}: {error}", file=sys.stderr)
        return 2
    print(f"{federation.name_en} / {federation.name_cy}; tenant {', '.join(federation.tenant_ids)}")
    for school in federation.schools:
        delegates = ", ".join(d.name for d in school.delegates) or "none"
        print(f"  {school.school_id}: {school.name_en} / {school.name_cy}; headteacher {school.headteacher.name}; "
              f"named delegates {delegates}")
        head = Person(federation.tenant_ids[0], school.headteacher.aad_object_id, school.headteacher.name)
        own = federation.deciders_for(school, head)
        if not own:
            print(f"warning: {school.school_id}: nobody may decide the headteacher's own requests: "
                  f"{_no_delegate(federation, school)}; the bot will refuse them until a delegate other than the "
                  f'headteacher is added under "delegates" for "{school.school_id}"', file=sys.stderr)
        elif not _delegates(school):
            print(f"    no delegate: the headteacher's own requests go to {', '.join(c.name for c in own)} "
                  f"(headteacher of another school)")
    chair = federation.chair_of_governors.name if federation.chair_of_governors else "none"
    print(f"  policy owner {federation.policy_owner.name}; chair of governors {chair}")
    holidays = federation.school_holidays
    print(f"  school holidays: {len(holidays)} listed, {min(h.first for h in holidays)} to "
          f"{max(h.last for h in holidays)}" if holidays else
          "  school holidays: none listed (working days for reminders skip only weekends and bank holidays)")
    everyone = {school.school_id for school in federation.schools}
    for holiday in holidays:
        if not holiday.closes_all(everyone):  # the rest close every school
            span = f"{holiday.first}" + (f" to {holiday.last}" if holiday.last != holiday.first else "")
            print(f"    {', '.join(holiday.schools)} only: {span}" + (f" ({holiday.name})" if holiday.name else ""))
    for warning in _warnings(federation, uk_today(datetime.now(UTC)), checked=args.file):
        print(f"warning: {warning}", file=sys.stderr)
    return 0


def _roles(federation: Federation) -> list[tuple[str, StaffContact]]:
    """Every person the settings name, with the role they are named in."""
    roles = [(f"{school.school_id} headteacher", school.headteacher) for school in federation.schools]
    roles += [(f"{school.school_id} named delegate", d) for school in federation.schools for d in school.delegates]
    roles.append(("policy owner", federation.policy_owner))
    if federation.chair_of_governors is not None:
        roles.append(("chair of governors", federation.chair_of_governors))
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


def _fictional_tenant(federation: Federation, example: Federation) -> str | None:
    """The example's fictional tenant still in a copy's `tenant_ids`, or None: the bot refuses to start on it."""
    left = [tenant for tenant in federation.tenant_ids if tenant in example.tenant_ids]
    if not left:
        return None
    return (f"tenant_ids: {', '.join(repr(t) for t in left)} is the fictional example's tenant "
            "(config/federation.local.json), not yours: put in your tenant id (az account show --query tenantId -o tsv "
            "prints it); the bot refuses to start on settings without its own tenant")


def _fictional_people(federation: Federation, example: Federation) -> str | None:
    """The example's fictional people still named in a copy of it, or None: the bot would send their cards to
    nobody."""
    ids = {contact.aad_object_id for _, contact in _roles(example)}
    emails = {contact.email.lower() for _, contact in _roles(example) if contact.email}
    left = [f"{role} {contact.name}" for role, contact in _roles(federation)
            if contact.aad_object_id in ids or contact.email.lower() in emails]
    if not left:
        return None
    return (f"still the fictional example's people (config/federation.local.json): {', '.join(left)}: the bot would "
            'send their cards to nobody; put in each real person\'s "aad_object_id", "name" and "email" (az ad user '
            "show --id EMAIL --query id -o tsv prints the id)")


def _warnings(federation: Federation, today: date, *, checked: Path) -> list[str]:
    """What the bot can run with but the federation would miss: a tenant id that Teams never sends, the example's
    fictional tenant and people in a copy of it (`checked` is the file read), no chair, school holidays that have all
    passed (last year's list, never brought up to date)."""
    said = [f"tenant_ids: {tenant!r} is not a tenant id (a GUID: az account show --query tenantId -o tsv prints "
            "yours): nobody from it can use the bot" for tenant in federation.tenant_ids if not is_entra_id(tenant)]
    if example := _example(checked):
        said += [warning for warning in (_fictional_tenant(federation, example),
                                         _fictional_people(federation, example)) if warning]
    if federation.chair_of_governors is None:
        said.append("no chair of governors is named: a headteacher's own concern report has nobody to go to, and one "
                    'about a headteacher cannot go to the governors; add "chair_of_governors" with its '
                    '"aad_object_id", "name" and "email"')
    if not federation.school_holidays:
        return said
    add = ("add the coming school year's holidays (half terms, Christmas, Easter, summer, INSET days), or concern "
           "reminders and escalations count them as working days")
    last = {school.school_id: max((h.last for h in federation.school_holidays if h.closes_all([school.school_id])),
                                  default=None) for school in federation.schools}
    if len(set(last.values())) == 1:  # one list for every school, as before holidays could name their school
        ended = next(iter(last.values()))
        if ended is not None and ended < today:
            said.append(f"school_holidays: the last one listed ended on {ended}: {add}")
        return said
    for school in federation.schools:
        ended = last[school.school_id]
        if ended is None:
            said.append(f"school_holidays: none is listed for {school.school_id} ({school.name_en}): {add}")
        elif ended < today:
            said.append(f"school_holidays: the last one listed for {school.school_id} ({school.name_en}) ended on "
                        f"{ended}: {add}")
    return said
