"""The Teams app package validates offline against Microsoft's bundled schemas, and a bad one fails."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from manifest.build import (
    HERE,
    LOCAL_APP_ID,
    PackageError,
    build,
    main,
    read_release,
    record_version,
    release_problems,
    schema_problems,
)

APP_ID = "3f2504e0-4f89-41d3-9a0c-0305e82c3301"


def _copy(tmp_path: Path) -> Path:
    source = tmp_path / "manifest"
    shutil.copytree(HERE, source, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return source


def test_the_package_builds_and_holds_what_teams_needs(tmp_path: Path) -> None:
    out = build(APP_ID, tmp_path / "appPackage.zip")

    with zipfile.ZipFile(out) as package:
        assert sorted(package.namelist()) == ["color.png", "cy.json", "manifest.json", "outline.png"]
        manifest = json.loads(package.read("manifest.json"))
    assert manifest["id"] == manifest["bots"][0]["botId"] == APP_ID
    assert set(manifest["bots"][0]["scopes"]) == {"personal", "team", "groupChat"}
    assert manifest["bots"][0]["supportsFiles"] is True  # the policy owner sends the new policy as a file
    assert schema_problems(manifest, "MicrosoftTeams.schema.json") == []
    # No single sign-on resource: the bot never asks for a user token, and a managed identity cannot expose one.
    assert "webApplicationInfo" not in manifest


def test_a_broken_manifest_fails_with_the_schemas_message(tmp_path: Path) -> None:
    source = _copy(tmp_path)
    template = json.loads((source / "manifest.template.json").read_text(encoding="utf-8"))
    del template["description"]
    template["accentColor"] = "green"
    (source / "manifest.template.json").write_text(json.dumps(template), encoding="utf-8")

    with pytest.raises(PackageError) as failure:
        build(APP_ID, tmp_path / "out.zip", source=source)

    assert "'description' is a required property" in str(failure.value)
    assert "accentColor: 'green' does not match" in str(failure.value)
    assert not (tmp_path / "out.zip").exists()


def test_missing_welsh_and_bad_icons_are_reported(tmp_path: Path) -> None:
    source = _copy(tmp_path)
    welsh = json.loads((source / "cy.json").read_text(encoding="utf-8"))
    del welsh["bots[0].commandLists[0].commands[1].title"]
    (source / "cy.json").write_text(json.dumps(welsh), encoding="utf-8")
    Image.new("RGBA", (32, 32), (255, 0, 0, 255)).save(source / "outline.png")

    with pytest.raises(PackageError) as failure:
        build(APP_ID, tmp_path / "out.zip", source=source)

    assert "no Welsh for 'bots[0].commandLists[0].commands[1].title'" in str(failure.value)
    assert "white on transparent" in str(failure.value)


def test_an_app_id_that_is_not_a_guid_is_refused(tmp_path: Path) -> None:
    with pytest.raises(PackageError, match="not a GUID"):
        build("my-bot", tmp_path / "out.zip")


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split("."))


def test_the_package_carries_the_one_recorded_version_higher_than_the_first_package(tmp_path: Path) -> None:
    """The first package (1.0.0) had the SSO resource and other commands: Teams takes this one only if it is higher."""
    with zipfile.ZipFile(build(APP_ID, tmp_path / "appPackage.zip")) as package:
        manifest = json.loads(package.read("manifest.json"))

    assert manifest["version"] == read_release().version
    assert _version(manifest["version"]) > (1, 0, 0)


def test_the_package_has_not_changed_since_its_version_was_recorded() -> None:
    """Fails when a command, description, the Welsh or an icon changed without a higher version: Teams would refuse the
    new package as an update. `python -m manifest.build --new-version X.Y.Z` records the next one."""
    assert release_problems() == []


def test_a_changed_package_is_refused_until_it_has_a_higher_version(tmp_path: Path) -> None:
    source = _copy(tmp_path)
    recorded = read_release(source).version
    template = json.loads((source / "manifest.template.json").read_text(encoding="utf-8"))
    template["bots"][0]["commandLists"][1]["commands"][0]["description"] = "What the bot does"
    (source / "manifest.template.json").write_text(json.dumps(template), encoding="utf-8")

    with pytest.raises(PackageError, match=f"changed since version {recorded}"):
        build(APP_ID, tmp_path / "out.zip", source=source)
    for not_higher in (recorded, "1.0.0", "1.1"):
        with pytest.raises(PackageError):
            record_version(not_higher, source=source)
    higher = ".".join(map(str, (*_version(recorded)[:2], _version(recorded)[2] + 1)))
    record_version(higher, source=source)
    with zipfile.ZipFile(build(APP_ID, tmp_path / "out.zip", source=source)) as package:
        assert json.loads(package.read("manifest.json"))["version"] == higher


@pytest.mark.parametrize(("app_id", "said"), [
    ("", "MicrosoftAppId is empty: in a new terminal, keep the deployment's outputs first (infra/README.md, step 4: "
         "botAppId=$(out botAppId)), then run it again"),
    (LOCAL_APP_ID, f"the app id {LOCAL_APP_ID} is the visibly fake one for trying the package: set MicrosoftAppId to "
                   "the bot's app id (infra/README.md, step 4: botAppId)"),
], ids=["empty", "fake"])
def test_a_production_package_without_the_bots_id_is_refused_in_one_line_naming_the_package_left_there(
        app_id: str, said: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """Step 9 typed in a new terminal, where `$botAppId` is empty (or the fake id from trying `make package` pasted):
    before, an empty id said only "set MicrosoftAppId", leaving the package from trying it, with the fake id, where
    the admin centre upload picks build/appPackage.zip; and the fake id itself was built into a production package."""
    out = tmp_path / "appPackage.zip"
    monkeypatch.delenv("APP_ENV", raising=False)
    monkeypatch.delenv("MicrosoftAppId", raising=False)
    assert main(["--out", str(out)]) == 0  # trying the package, as the README's command table says
    capsys.readouterr()
    tried = out.read_bytes()
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("MicrosoftAppId", app_id)

    code = main(["--out", str(out)])

    printed, err = capsys.readouterr()
    assert code == 2 and printed == ""
    assert err.splitlines() == [f"{said}; {out} was not written (the one there is for app id {LOCAL_APP_ID}, for "
                                "trying the package only: do not upload it)"]
    assert out.read_bytes() == tried  # nothing changed
