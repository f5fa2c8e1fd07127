"""App Service (Linux, Python) as it runs build/bot.zip, on this machine.

What App Service does, and what stands in for it here:
- Oryx unpacks the archive, makes a virtual environment (`antenv`) from requirements.txt alone and runs the web app's
  start-up command (`appCommandLine`) in the unpacked folder with that environment first on PATH. Here: the same, in
  a folder outside the repository, with wheels from build/wheelhouse (filled from PyPI once).
- The start-up command is not run by itself: Oryx writes it as the last line of a `#!/bin/sh` script
  (/opt/startup/startup.sh: into the app's folder, then `PATH="$PATH:<app folder>" <command>`), and that script is
  what runs; its shell is the process told to stop (SIGTERM) when App Service stops or restarts the instance. Here:
  the same script, the top process of what the test starts.
- The folder the bot runs from cannot be written; /home (App Service's persistent storage, shared by every
  instance and kept across restarts) and /tmp can. Here: a private mount namespace (`unshare`) in which the app's
  folder is mounted read-only and a folder of the test's is mounted over /home. HOME is /home, as App Service sets it.
- The app settings are the environment; PORT (and WEBSITES_PORT) come from the Bicep, except that the port is a free
  one here, as 8000 may be taken on this machine.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest

from tests.support.processes import tail

REPO = Path(__file__).resolve().parents[2]
WHEELHOUSE = REPO / "build" / "wheelhouse"
INSTALL_TIMEOUT = 900.0
# App Service waits this long for a new container to answer on its port before it gives up and restarts it
# (WEBSITES_CONTAINER_START_TIME_LIMIT's default, in seconds).
START_TIME_LIMIT = 230.0


@dataclass
class Site:
    """An unpacked, installed deployment: the app's folder (with its `antenv`) and the folder standing in for /home."""

    app: Path
    home: Path
    logs: Path

    def environment(self, settings: Mapping[str, str]) -> dict[str, str]:
        """The start-up command's environment: App Service's own variables, then the app settings."""
        venv = self.app / "antenv"
        return {"PATH": f"{venv / 'bin'}{os.pathsep}/usr/local/bin:/usr/bin:/bin", "VIRTUAL_ENV": str(venv),
                "HOME": "/home", "LANG": "C.UTF-8", "TZ": "UTC", **settings}


async def run(command: list[str], *, cwd: Path, log: Path, within: float) -> int:
    """Run a command to its end, its output into `log`; fail the test if it outlasts `within` seconds."""
    with log.open("ab") as out:
        process = await asyncio.create_subprocess_exec(*command, cwd=cwd, stdout=out, stderr=subprocess.STDOUT,
                                                       stdin=subprocess.DEVNULL)
        try:
            return await asyncio.wait_for(process.wait(), within)
        except TimeoutError:
            process.kill()
            await process.wait()
            pytest.fail(f"{' '.join(command[:4])} … did not finish within {within:.0f} s:\n{tail(log)}")


async def install(venv: Path, app: Path, log: Path, *, byte_code: bool = True) -> None:
    """A fresh venv holding requirements.txt and nothing else, as Oryx makes it (byte code included, as pip does,
    unless a test that never checks it saves half the install time). Wheels come from PyPI (through pip's cache) into
    build/wheelhouse once; later runs install from there."""
    if await run([sys.executable, "-m", "venv", str(venv)], cwd=app, log=log, within=120) != 0:
        pytest.fail(f"could not create a venv:\n{tail(log)}")
    pip = [str(venv / "bin" / "python"), "-m", "pip", "--disable-pip-version-check"]
    local = [*pip, "install", "--quiet", *([] if byte_code else ["--no-compile"]), "--no-index", "--find-links",
             str(WHEELHOUSE), "-r", "requirements.txt"]
    if await run(local, cwd=app, log=log, within=INSTALL_TIMEOUT) == 0:
        return
    download = [*pip, "download", "--quiet", "--only-binary=:all:", "-d", str(WHEELHOUSE), "-r", "requirements.txt"]
    if await run(download, cwd=app, log=log, within=INSTALL_TIMEOUT) != 0:
        pytest.fail(f"pip could not download requirements.txt's packages:\n{tail(log)}")
    if await run(local, cwd=app, log=log, within=INSTALL_TIMEOUT) != 0:
        pytest.fail(f"pip could not install requirements.txt into a fresh venv:\n{tail(log)}")


async def unpack_and_install(archive: Path, root: Path) -> Site:
    """The archive unpacked into `root`/app with its antenv, as App Service's build leaves it; /home empty."""
    app, home, logs = root / "app", root / "home", root / "logs"
    for folder in (home, logs):
        folder.mkdir(parents=True)
    with zipfile.ZipFile(archive) as opened:
        opened.extractall(app)
    await install(app / "antenv", app, logs / "install.log")
    return Site(app=app, home=home, logs=logs)


def startup_script(site: Site, command_line: str, name: str) -> Path:
    """The script Oryx writes for the start-up command and App Service runs (/opt/startup/startup.sh), in the parts
    that matter here: `sh` runs it, from the app's folder, the command its last line with the folder added to PATH."""
    script = site.logs / f"{name}-startup.sh"
    script.write_text(f'#!/bin/sh\n\n# Enter the source directory to make sure the script runs where the user expects\n'
                      f'cd "{site.app}"\n\nexport APP_PATH="{site.app}"\n'
                      f'PATH="$PATH:{site.app}" {command_line}\n', encoding="utf-8")
    script.chmod(0o755)
    return script


def namespace_wrapper(site: Site) -> list[str]:
    """The command that runs $STARTUP_SCRIPT with the app's folder read-only and the test's /home mounted at /home,
    as the process it was started as (unshare and the shell each replace themselves, so signals reach the script)."""
    if shutil.which("unshare") is None:
        pytest.fail("unshare (util-linux) is needed to run the app with its folder read-only, as App Service does")
    as_root = ["--map-root-user"] if os.geteuid() != 0 else []
    mounts = (f'mount --bind "{site.home}" /home && mount --bind -o ro "{site.app}" "{site.app}" && '
              'exec "$STARTUP_SCRIPT"')
    return ["unshare", *as_root, "--mount", "--propagation", "private", "/bin/sh", "-c", mounts]


@dataclass
class Running:
    """A started app: its process, its base URL and where its output goes."""

    process: asyncio.subprocess.Process
    url: str
    out: Path
    err: Path
    seconds_to_ready: float = 0.0


@asynccontextmanager
async def start(site: Site, command_line: str, settings: Mapping[str, str], *, port: int,
                name: str = "app", ready_path: str = "/healthz", wait: bool = True) -> AsyncIterator[Running]:
    """Run the start-up command as App Service runs it (`process` is the process App Service signals); with `wait`,
    until `ready_path` answers 200 (failing the test past App Service's start-up window). Stopped on leaving: SIGTERM
    to everything it started, then SIGKILL."""
    out, err = site.logs / f"{name}.out", site.logs / f"{name}.err"
    env = {**site.environment(settings), "STARTUP_SCRIPT": str(startup_script(site, command_line, name))}
    with out.open("ab") as stdout, err.open("ab") as stderr:
        process = await asyncio.create_subprocess_exec(*namespace_wrapper(site), cwd=site.app, env=env,
                                                       stdin=subprocess.DEVNULL, stdout=stdout, stderr=stderr,
                                                       start_new_session=True)
    running = Running(process=process, url=f"http://127.0.0.1:{port}", out=out, err=err)
    try:
        if wait:
            running.seconds_to_ready = await wait_for(running, ready_path)
        yield running
    finally:
        await stop(process)


async def wait_for(running: Running, path: str, *, within: float = START_TIME_LIMIT) -> float:
    """Seconds until `path` answered 200; fails the test if the app exits first or takes longer than `within`."""
    began = time.monotonic()
    status = 0
    async with aiohttp.ClientSession() as session:
        while time.monotonic() - began < within:
            if running.process.returncode is not None:
                pytest.fail(f"the app exited ({running.process.returncode}) before {path} answered:\n"
                            f"{tail(running.err)}\n{tail(running.out)}")
            try:
                async with session.get(running.url + path, timeout=aiohttp.ClientTimeout(total=5)) as response:
                    status = response.status
                    if status == 200:
                        return time.monotonic() - began
            except (aiohttp.ClientError, TimeoutError):
                pass
            await asyncio.sleep(0.2)
    window = " (App Service's start-up window)" if within == START_TIME_LIMIT else ""
    pytest.fail(f"{path} answered {status or 'nothing'} for {within:.0f} s{window}:\n{tail(running.err)}")


def _running_in_group(group: int) -> bool:
    """Whether a process of the group is still running (an ended one nobody has reaped yet does not count)."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[2]) == group and fields[0] != "Z":
                return True
    return False


async def stop(process: asyncio.subprocess.Process, *, within: float = 15.0) -> None:
    """SIGTERM the whole process group and wait until all of it has ended, SIGKILL whatever lingers: the end of a
    test, not App Service's stop, which signals the top process alone (tests/deploy/test_app_service.py checks that)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    for _ in range(int(within * 10)):
        if not _running_in_group(process.pid):
            break
        await asyncio.sleep(0.1)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    await process.wait()
