"""`make package`: fill the manifest's ids, validate it and the Welsh file against Microsoft's schemas, zip it."""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import zipfile
from pathlib import Path
from typing import Any

from jsonschema import Draft4Validator
from PIL import Image

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SCHEMAS = REPO / "node_modules" / "@microsoft" / "app-manifest" / "build" / "json-schemas" / "teams" / "v1.17"
LOCAL_APP_ID = "00000000-0000-0000-0000-00000000b07a"
_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


class PackageError(ValueError):
    """The package cannot be built; the message says exactly why."""


def _schema(name: str) -> dict[str, Any]:
    path = SCHEMAS / name
    if not path.exists():
        raise PackageError(f"{path} is missing: run `npm ci` (package.json pins @microsoft/app-manifest)")
    schema: dict[str, Any] = json.loads(path.read_text(encoding="utf-8-sig"))
    return schema


def schema_problems(document: dict[str, Any], schema_file: str) -> list[str]:
    """Every way `document` breaks the bundled schema, as `path: message`."""
    validator = Draft4Validator(_schema(schema_file))
    return sorted(f"{'/'.join(str(p) for p in error.absolute_path) or '(root)'}: {error.message}"
                  for error in validator.iter_errors(document))


def fill(template: dict[str, Any], app_id: str) -> dict[str, Any]:
    """The manifest with the app and bot ids set (the parsed JSON is changed, never the text)."""
    manifest: dict[str, Any] = json.loads(json.dumps(template))
    manifest["id"] = app_id
    for bot in manifest.get("bots", []):
        bot["botId"] = app_id
    return manifest


def _strings_of(manifest: dict[str, Any]) -> dict[str, str]:
    found = {f"{part}.{length}": str(manifest.get(part, {}).get(length, ""))
             for part in ("name", "description") for length in ("short", "full")}
    for b, bot in enumerate(manifest.get("bots", [])):
        for c, command_list in enumerate(bot.get("commandLists", [])):
            for n, command in enumerate(command_list.get("commands", [])):
                found[f"bots[{b}].commandLists[{c}].commands[{n}].title"] = command["title"]
                found[f"bots[{b}].commandLists[{c}].commands[{n}].description"] = command["description"]
    return found


def check_icons(directory: Path) -> list[str]:
    """The colour icon is 192x192; the outline is 32x32, white on transparent."""
    problems = []
    with Image.open(directory / "color.png") as colour:
        if colour.size != (192, 192):
            problems.append(f"color.png is {colour.size}, not 192x192")
    with Image.open(directory / "outline.png") as outline:
        if outline.size != (32, 32):
            problems.append(f"outline.png is {outline.size}, not 32x32")
        raw = outline.convert("RGBA").tobytes()
        pixels = (raw[i:i + 4] for i in range(0, len(raw), 4))
        if any(pixel[3] and pixel[:3] != b"\xff\xff\xff" for pixel in pixels):
            problems.append("outline.png must be white on transparent only")
    return problems


def build(app_id: str, out: Path, *, source: Path = HERE) -> Path:
    """Validate everything, then write the zip; raise `PackageError` listing every problem."""
    if not _GUID.match(app_id):
        raise PackageError(f"the app id {app_id!r} is not a GUID (MicrosoftAppId)")
    manifest = fill(json.loads((source / "manifest.template.json").read_text(encoding="utf-8")), app_id)
    welsh: dict[str, Any] = json.loads((source / "cy.json").read_text(encoding="utf-8"))
    problems = [f"manifest.json {p}" for p in schema_problems(manifest, "MicrosoftTeams.schema.json")]
    if manifest.get("manifestVersion") != "1.17":
        problems.append(f"manifest.json manifestVersion: {manifest.get('manifestVersion')!r} is not the 1.17 this "
                        "build validates against")
    problems += [f"cy.json {p}" for p in schema_problems(welsh, "MicrosoftTeams.Localization.schema.json")]
    english = _strings_of(manifest)
    problems += [f"cy.json has no Welsh for {key!r}" for key in english if not str(welsh.get(key, "")).strip()]
    problems += [f"cy.json names {key!r}, which the manifest does not have" for key in welsh
                 if key != "$schema" and key not in english]
    problems += check_icons(source)
    if problems:
        raise PackageError("\n".join(problems))
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
        package.writestr("cy.json", json.dumps(welsh, ensure_ascii=False, indent=2))
        package.write(source / "color.png", "color.png")
        package.write(source / "outline.png", "outline.png")
    return out


def main(argv: list[str] | None = None) -> int:
    """Build `build/appPackage.zip` with the bot's app id from `--app-id` or MicrosoftAppId."""
    parser = argparse.ArgumentParser(prog="python -m manifest.build")
    parser.add_argument("--app-id", default=os.environ.get("MicrosoftAppId", ""))
    parser.add_argument("--out", type=Path, default=REPO / "build" / "appPackage.zip")
    args = parser.parse_args(argv)
    app_id = args.app_id
    if not app_id:
        if os.environ.get("APP_ENV", "local") != "local":
            print("set MicrosoftAppId (or --app-id) to the bot's app id", file=sys.stderr)
            return 2
        app_id = LOCAL_APP_ID  # a visibly fake id, for trying the package in the Playground only
    try:
        written = build(app_id, args.out)
    except PackageError as error:
        print(f"the Teams package is not valid:\n{error}", file=sys.stderr)
        return 1
    print(f"wrote {written} for app id {app_id}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
