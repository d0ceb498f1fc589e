#!/usr/bin/env python3
"""Lays out built Maven artefacts as a local repository (dist/maven) and as flat files.

    maven_repo.py --out dist/maven --artifact POM BUILD_DIR [--artifact POM BUILD_DIR ...]

For each artefact: BUILD_DIR/<artifactId>-<version>.jar, -sources.jar and -javadoc.jar, plus
the POM, copied to <out>/<group path>/<artifactId>/<version>/ with .sha1 and .md5 checksums,
as `mvn deploy` to a file repository would (without its timestamped metadata, so the result is
reproducible). Use it as a repository (`<url>file:///.../dist/maven</url>`), or install the
files with `mvn install:install-file -Dfile=... -DpomFile=... -Dsources=... -Djavadoc=...`.
"""

from __future__ import annotations

import argparse
import hashlib
import pathlib
import shutil
import xml.etree.ElementTree as ET

NS = {"m": "http://maven.apache.org/POM/4.0.0"}


def coordinates(pom: pathlib.Path) -> tuple[str, str, str]:
    root = ET.parse(pom).getroot()
    return tuple(root.find(f"m:{tag}", NS).text.strip() for tag in ("groupId", "artifactId", "version"))  # type: ignore[return-value,union-attr]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True, type=pathlib.Path)
    parser.add_argument("--artifact", nargs=2, action="append", required=True, metavar=("POM", "BUILD_DIR"))
    args = parser.parse_args()
    shutil.rmtree(args.out, ignore_errors=True)
    for pom_path, build_dir in args.artifact:
        pom, build = pathlib.Path(pom_path), pathlib.Path(build_dir)
        group, artifact, version = coordinates(pom)
        dest = args.out.joinpath(*group.split("."), artifact, version)
        dest.mkdir(parents=True)
        files = {f"{artifact}-{version}.pom": pom}
        for suffix in ("", "-sources", "-javadoc"):
            name = f"{artifact}-{version}{suffix}.jar"
            if not (build / name).exists():
                raise SystemExit(f"{build / name} is missing")
            files[name] = build / name
        for name, src in files.items():
            data = src.read_bytes()
            (dest / name).write_bytes(data)
            (dest / f"{name}.sha1").write_text(hashlib.sha1(data).hexdigest())
            (dest / f"{name}.md5").write_text(hashlib.md5(data).hexdigest())
            print(dest / name)


if __name__ == "__main__":
    main()
