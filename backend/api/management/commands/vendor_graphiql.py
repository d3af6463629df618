"""Vendors GraphiQL (and the React it runs on) into api/static/graphiql/, so /graphql's IDE
needs no network: the packages are fetched with npm from the npm registry, each tarball must
have the integrity pinned here, and the files the page loads are copied out of it with their
licences. VENDOR.json records both, and the page's Subresource Integrity hashes."""

import base64
import hashlib
import json
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

STATIC = Path(__file__).resolve().parents[2] / "static" / "graphiql"
VENDOR_JSON = STATIC / "VENDOR.json"


@dataclass(frozen=True)
class Pin:
    integrity: str  # the registry's dist.integrity, as package-lock.json records it
    files: dict[str, str]  # path in the package -> name under static/graphiql/


# graphiql 3.8.3 is the last line with a browser (UMD) build; it runs on React 18's UMD builds.
PACKAGES = {
    "react@18.2.0": Pin(
        "sha512-/3IjMdb2L9QbBdWiW5e3P2/npwMBaU9mHCSCUzNln0ZCYbcfTsGbTJrU/kGemdH2IWmB2ioZ+zkxtmq6g09fGQ==",
        {"umd/react.production.min.js": "react.production.min.js", "LICENSE": "react.LICENSE"},
    ),
    "react-dom@18.2.0": Pin(
        "sha512-6IMTriUmvsjHUjNtEDudZfuDQUoWXVxKHhlEGSk81n4YFS+r/Kl99wXiwlVXtPBtJenozv2P+hxDsw9eA7Xo6g==",
        {
            "umd/react-dom.production.min.js": "react-dom.production.min.js",
            "LICENSE": "react-dom.LICENSE",
        },
    ),
    "graphiql@3.8.3": Pin(
        "sha512-cuPDYtXVKV86Pu5PHBX642Odi/uVEE2y1Jxq5rGO/Qy1G2lRp7ZZ7a/T30RzxhuLSWo9zUbzq0P3U49//H0Ugw==",
        {
            "graphiql.min.js": "graphiql.min.js",
            "graphiql.min.css": "graphiql.min.css",
            "LICENSE": "graphiql.LICENSE",
        },
    ),
}


def integrity(data: bytes, algorithm: str = "sha512") -> str:
    """An npm / Subresource Integrity string: `<algorithm>-<base64 digest>`."""
    return f"{algorithm}-{base64.b64encode(hashlib.new(algorithm, data).digest()).decode()}"


class Command(BaseCommand):
    help = __doc__

    def handle(self, *args: object, **options: object) -> None:
        STATIC.mkdir(parents=True, exist_ok=True)
        files: dict[str, str] = {}
        with tempfile.TemporaryDirectory() as tmp:
            for spec, pin in PACKAGES.items():
                try:
                    out = subprocess.run(
                        ["npm", "pack", spec, "--json", "--pack-destination", tmp],
                        capture_output=True,
                        text=True,
                        check=True,
                        timeout=300,
                    ).stdout
                except (OSError, subprocess.CalledProcessError) as e:
                    raise CommandError(f"npm pack {spec} failed: {e}") from None
                tarball = Path(tmp) / json.loads(out)[0]["filename"]
                got = integrity(tarball.read_bytes())
                if got != pin.integrity:
                    raise CommandError(f"{spec}: integrity {got}, expected {pin.integrity}")
                with tarfile.open(tarball) as tar:
                    for member, name in pin.files.items():
                        source = tar.extractfile(f"package/{member}")
                        if source is None:
                            raise CommandError(f"{spec}: no file {member}")
                        data = source.read()
                        (STATIC / name).write_bytes(data)
                        files[name] = integrity(data, "sha384")
                self.stdout.write(f"{spec}: {got} ok, {len(pin.files)} file(s)")
        VENDOR_JSON.write_text(
            json.dumps(
                {
                    "written by": "manage.py vendor_graphiql",
                    "packages": {spec: pin.integrity for spec, pin in PACKAGES.items()},
                    "files": files,
                },
                indent=2,
            )
            + "\n"
        )
        self.stdout.write(f"Wrote {len(files)} files to {STATIC}")
