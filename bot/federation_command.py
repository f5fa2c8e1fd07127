"""`python -m bot check-federation FILE`: read the federation's settings as the bot will, before deploying them."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.domain.federation import FederationConfigError, load_federation
from bot.domain.people import Person


def check_federation_command(argv: list[str]) -> int:
    """Print who decides and who is escalated to, or the exact problem (exit 2); a warning (on stderr) for a school
    whose headteacher's own requests nobody may decide (the bot refuses them)."""
    parser = argparse.ArgumentParser(prog="python -m bot check-federation")
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
            print(f"warning: {school.school_id}: nobody may decide the headteacher's own requests "
                  f"({school.headteacher.name} heads every school and no delegate is named): the bot will refuse them "
                  'until a delegate is added under "delegates"', file=sys.stderr)
        elif not school.delegates:
            print(f"    no delegate: the headteacher's own requests go to {', '.join(c.name for c in own)} "
                  f"(headteacher of another school)")
    chair = federation.chair_of_governors.name if federation.chair_of_governors else "none"
    print(f"  policy owner {federation.policy_owner.name}; chair of governors {chair}")
    return 0
