#!/usr/bin/env python3
"""Builds the `connector-service-sandbox` wheel: the sandbox binary plus its small launcher.

    build_wheel.py --binary target/.../connector-sandbox --version 0.1.0 --out dist

The binary goes in as package data (connector_service_sandbox/bin/connector-sandbox), so that
`connector_service_sandbox.binary()` finds it under every install scheme; the
`connector-sandbox` command is a console script that execs it. The wheel is tagged
py3-none-<platform> (it holds no Python extension); by default manylinux2014 x86_64, which the
binary must honour (glibc <= 2.17, checked by `make dist-check`). Reproducible: sorted entries,
timestamps from $SOURCE_DATE_EPOCH.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import os
import pathlib
import time
import zipfile

HERE = pathlib.Path(__file__).resolve().parent
NAME = "connector-service-sandbox"
DIST = "connector_service_sandbox"
PACKAGE_FILES = ["__init__.py", "__main__.py", "py.typed"]


def metadata(version: str) -> str:
    readme = (HERE / "README.md").read_text()
    return (
        "Metadata-Version: 2.1\n"
        f"Name: {NAME}\n"
        f"Version: {version}\n"
        "Summary: The local payment-processor sandbox of connector-service (Adyen, Checkout.com, ...), no Rust needed\n"
        "License: Apache-2.0\n"
        "Requires-Python: >=3.9\n"
        "Project-URL: Source, https://github.com/connector-service/connector-service\n"
        "Classifier: Programming Language :: Python :: 3\n"
        "Classifier: Topic :: Software Development :: Testing\n"
        "Description-Content-Type: text/markdown\n"
        "\n" + readme
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True, type=pathlib.Path)
    parser.add_argument("--version", required=True)
    parser.add_argument("--out", required=True, type=pathlib.Path)
    parser.add_argument("--platform-tag", default="manylinux_2_17_x86_64.manylinux2014_x86_64")
    args = parser.parse_args()

    epoch = max(int(os.environ.get("SOURCE_DATE_EPOCH", "315532800")), 315532800)
    date_time = time.gmtime(epoch)[:6]
    dist_info = f"{DIST}-{args.version}.dist-info"
    tags = [f"py3-none-{p}" for p in args.platform_tag.split(".")]

    files: list[tuple[str, bytes, int]] = []
    for name in PACKAGE_FILES:
        files.append((f"{DIST}/{name}", (HERE / DIST / name).read_bytes(), 0o644))
    files.append((f"{DIST}/bin/connector-sandbox", args.binary.read_bytes(), 0o755))
    files.append((f"{dist_info}/METADATA", metadata(args.version).encode(), 0o644))
    wheel = "Wheel-Version: 1.0\nGenerator: connector-service packaging/sandbox/python/build_wheel.py\nRoot-Is-Purelib: false\n"
    wheel += "".join(f"Tag: {tag}\n" for tag in tags)
    files.append((f"{dist_info}/WHEEL", wheel.encode(), 0o644))
    files.append(
        (f"{dist_info}/entry_points.txt", b"[console_scripts]\nconnector-sandbox = connector_service_sandbox:main\n", 0o644)
    )
    record = ""
    for name, data, _ in files:
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record += f"{name},sha256={digest},{len(data)}\n"
    record += f"{dist_info}/RECORD,,\n"
    files.append((f"{dist_info}/RECORD", record.encode(), 0o644))

    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"{DIST}-{args.version}-py3-none-{args.platform_tag}.whl"
    with zipfile.ZipFile(path, "w") as zf:
        for name, data, mode in files:
            info = zipfile.ZipInfo(name, date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = (0o100000 | mode) << 16
            info.create_system = 3
            zf.writestr(info, data)
    print(path)


if __name__ == "__main__":
    main()
