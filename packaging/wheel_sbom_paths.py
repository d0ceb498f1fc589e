#!/usr/bin/env python3
"""Makes the wheel's embedded SBOM independent of where the checkout lies.

    wheel_sbom_paths.py WHEEL --root /path/of/the/checkout

maturin writes a CycloneDX SBOM of the Rust dependency tree into the wheel
(`<dist-info>/sboms/*.cyclonedx.json`, PEP 770). Its references to the workspace's own crates
are absolute `path+file://` URLs of the build machine's checkout, so two checkouts of the same
commit would give wheels that differ in that file only. This rewrites the checkout's path to
`/connector-service`, the prefix the native code's paths are remapped to
(`--remap-path-prefix`, packaging/dist.mk), updates RECORD, and writes the archive again with
the entries in the same order, with the same timestamps and modes.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import os
import pathlib
import zipfile

REMAPPED = "/connector-service"


def record_hash(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("wheel", type=pathlib.Path)
    parser.add_argument("--root", required=True, type=pathlib.Path)
    args = parser.parse_args()
    root = str(args.root.resolve())
    old, new = f"file://{root}".encode(), f"file://{REMAPPED}".encode()

    with zipfile.ZipFile(args.wheel) as zf:
        entries = [(info, zf.read(info)) for info in zf.infolist()]

    changed = {}
    for info, data in entries:
        if "/sboms/" in info.filename and old in data:
            changed[info.filename] = data.replace(old, new)
    if not changed:
        print(f"{args.wheel.name}: no checkout path in its SBOM")
        return

    record_name = next(info.filename for info, _ in entries if info.filename.endswith(".dist-info/RECORD"))
    tmp = args.wheel.with_suffix(".tmp")
    with zipfile.ZipFile(tmp, "w") as out:
        for info, data in entries:
            if info.filename in changed:
                data = changed[info.filename]
            elif info.filename == record_name:
                lines = []
                for line in data.decode().splitlines():
                    name = line.split(",", 1)[0]
                    if name in changed:
                        line = f"{name},{record_hash(changed[name])},{len(changed[name])}"
                    lines.append(line)
                data = ("\n".join(lines) + "\n").encode()
            out.writestr(info, data, compress_type=info.compress_type)
    os.replace(tmp, args.wheel)
    print(f"{args.wheel.name}: checkout path {root} -> {REMAPPED} in {', '.join(sorted(changed))}")


if __name__ == "__main__":
    main()
