"""Node 20 is what the README, the Dockerfile and CI use: every package `npm ci` installs from
the lockfile supports the oldest Node that frontend/package.json allows, so `npm ci` prints no
EBADENGINE warning (the codegen toolchain is pinned for that: package.json's overrides)."""

import json
import re
import shutil
import subprocess

import pytest

from tests.conftest import REPO

WEB = REPO / "frontend"
CHECK = """
const semver = require(process.argv[1]);
const [oldest, lock] = [process.argv[2], require(process.argv[3])];
const bad = Object.entries(lock.packages)
  .filter(([path, p]) => path && p.engines && p.engines.node
          && !semver.satisfies(oldest, p.engines.node))
  .map(([path, p]) => `${path}@${p.version} needs node ${p.engines.node}`);
console.log(JSON.stringify(bad));
"""


def test_every_locked_package_supports_the_oldest_node_we_allow():
    engines = json.loads((WEB / "package.json").read_text())["engines"]["node"]
    oldest = re.fullmatch(r">=(\d+\.\d+(?:\.\d+)?)", engines)
    assert oldest, f"package.json engines.node is {engines!r}"
    version = oldest.group(1) + ".0" * (2 - oldest.group(1).count("."))
    assert version == "20.19.0"
    semver = WEB / "node_modules" / "semver"
    if not semver.exists() or shutil.which("node") is None:
        pytest.fail("needs Node and frontend/node_modules: run `make frontend` (make test does)")
    out = subprocess.run(
        ["node", "-e", CHECK, str(semver), version, str(WEB / "package-lock.json")],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    assert json.loads(out) == []
