"""`make package`: fill the manifest's ids and version, validate it and the Welsh file against Microsoft's schemas, zip
it.

The package's version has one source, `version.json`, which also records a hash of everything else the package holds
(the template without ids or version, the Welsh file, the icons). Teams takes a package as an update only when its
version is higher, so a package whose contents no longer match the hash is refused until `--new-version` records a
higher version with the new contents.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jsonschema import Draft4Validator
from PIL import Image

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SCHEMAS = REPO / "node_modules" / "@microsoft" / "app-manifest" / "build" / "json-schemas" / "teams" / "v1.17"
LOCAL_APP_ID = "00000000-0000-0000-0000-00000000b07a"
_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
# The manifest schema's pattern for `version`: three numbers, no leading zeros.
_VERSION = re.compile(r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$")
VERSION_FILE = "version.json"
ICONS = ("color.png", "outline.png")


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


@dataclass(frozen=True)
class Release:
    """The package's version and the hash of the contents it was recorded with (`version.json`)."""

    version: str
    contents: str


def _numbers(version: str) -> tuple[int, ...]:
    if not _VERSION.match(version):
        raise PackageError(f"the version {version!r} is not three numbers such as 1.2.0 (what Teams takes)")
    return tuple(int(part) for part in version.split("."))


def read_release(source: Path = HERE) -> Release:
    """The recorded version and contents hash."""
    path = source / VERSION_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Release(version=str(data["version"]), contents=str(data["contents"]))
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise PackageError(f"{path} is missing or unreadable ({type(error).__name__}): it holds the package's "
                           "version; see the README's deploy section") from error


def contents_digest(source: Path = HERE) -> str:
    """A hash of everything the package holds but its version and ids: the JSON as parsed (so layout does not count),
    and the icons' bytes."""
    template = json.loads((source / "manifest.template.json").read_text(encoding="utf-8"))
    template.pop("version", None)
    welsh = json.loads((source / "cy.json").read_text(encoding="utf-8"))
    digest = hashlib.sha256()
    parts = [json.dumps(document, sort_keys=True, ensure_ascii=False).encode() for document in (template, welsh)]
    for part in [*parts, *((source / icon).read_bytes() for icon in ICONS)]:
        digest.update(len(part).to_bytes(8, "big") + part)
    return digest.hexdigest()


def release_problems(source: Path = HERE) -> list[str]:
    """Why the recorded version cannot go to Teams: it is malformed, or the contents changed since it was recorded."""
    release = read_release(source)
    try:
        _numbers(release.version)
    except PackageError as error:
        return [f"{VERSION_FILE}: {error}"]
    if contents_digest(source) != release.contents:
        return [f"the package changed since version {release.version} was recorded, and Teams takes an update only "
                f"with a higher version: run `python -m manifest.build --new-version X.Y.Z` (higher than "
                f"{release.version}) and commit manifest/{VERSION_FILE}"]
    return []


def record_version(version: str, source: Path = HERE) -> Release:
    """Record `version`, higher than the recorded one, with the package's contents as they are now."""
    recorded = read_release(source)
    if _numbers(version) <= _numbers(recorded.version):
        raise PackageError(f"the new version {version} must be higher than {recorded.version}: Teams refuses an "
                           "update whose version is not")
    release = Release(version=version, contents=contents_digest(source))
    (source / VERSION_FILE).write_text(json.dumps({"version": release.version, "contents": release.contents},
                                                  indent=2) + "\n", encoding="utf-8")
    return release


def fill(template: dict[str, Any], app_id: str, version: str = "") -> dict[str, Any]:
    """The manifest with the app and bot ids (and the version, when given) set: the parsed JSON is changed, never the
    text."""
    manifest: dict[str, Any] = json.loads(json.dumps(template))
    manifest["id"] = app_id
    if version:
        manifest["version"] = version
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
    manifest = fill(json.loads((source / "manifest.template.json").read_text(encoding="utf-8")), app_id,
                    read_release(source).version)
    welsh: dict[str, Any] = json.loads((source / "cy.json").read_text(encoding="utf-8"))
    problems = release_problems(source)
    problems += [f"manifest.json {p}" for p in schema_problems(manifest, "MicrosoftTeams.schema.json")]
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
        for icon in ICONS:
            package.write(source / icon, icon)
    return out


def _not_for_teams(app_id: str) -> str:
    """Why a package for Teams cannot have `app_id` (none, or the fake one for trying it), or empty."""
    if app_id == LOCAL_APP_ID:
        return (f"the app id {LOCAL_APP_ID} is the visibly fake one for trying the package: set MicrosoftAppId to the "
                "bot's app id (infra/README.md, step 4: botAppId)")
    if app_id:
        return ""
    if "MicrosoftAppId" in os.environ:  # set from a variable this terminal does not have (step 9's "$botAppId")
        return ("MicrosoftAppId is empty: in a new terminal, keep the deployment's outputs first (infra/README.md, "
                "step 4: botAppId=$(out botAppId)), then run it again")
    return "set MicrosoftAppId (or --app-id) to the bot's app id"


def _left_there(package: Path) -> str:
    """What the package already at `package` is for, so an earlier one is not uploaded for this one."""
    try:
        with zipfile.ZipFile(package) as earlier:
            app_id = str(json.loads(earlier.read("manifest.json")).get("id", ""))
    except (OSError, KeyError, ValueError, zipfile.BadZipFile):
        return ""
    if app_id == LOCAL_APP_ID:
        return f" (the one there is for app id {app_id}, for trying the package only: do not upload it)"
    return f" (the one there is for app id {app_id})"


def main(argv: list[str] | None = None) -> int:
    """Build `build/appPackage.zip` with the bot's app id from `--app-id` or MicrosoftAppId; or, with `--new-version`,
    record the next version of the package."""
    parser = argparse.ArgumentParser(prog="python -m manifest.build")
    parser.add_argument("--app-id", default=os.environ.get("MicrosoftAppId", ""))
    parser.add_argument("--out", type=Path, default=REPO / "build" / "appPackage.zip")
    parser.add_argument("--new-version", default="", metavar="X.Y.Z",
                        help="record this version (higher than the recorded one) with the package's contents now")
    args = parser.parse_args(argv)
    if args.new_version:
        try:
            release = record_version(args.new_version)
        except PackageError as error:
            print(error, file=sys.stderr)
            return 1
        print(f"recorded version {release.version} in manifest/{VERSION_FILE}: commit it")
        return 0
    app_id = args.app_id
    if os.environ.get("APP_ENV", "local") != "local" and (refused := _not_for_teams(app_id)):
        print(f"{refused}; {args.out} was not written{_left_there(args.out)}", file=sys.stderr)
        return 2
    app_id = app_id or LOCAL_APP_ID  # a visibly fake id, for trying the package in the Playground only
    try:
        written = build(app_id, args.out)
    except PackageError as error:
        print(f"the Teams package is not valid:\n{error}", file=sys.stderr)
        return 1
    print(f"wrote {written} for app id {app_id}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
