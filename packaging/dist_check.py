#!/usr/bin/env python3
"""`make dist-check`: what `make dist` produced, measured.

For every artefact in dist/: its size. For every native binary inside them: its size (at most
10 MB), the shared libraries it needs (the C runtime only) and the newest glibc symbol version
it needs (at most 2.17, i.e. manylinux2014). The wheel's tags (cp311-abi3,
manylinux2014_x86_64). The time `import connector_service` and `require('connector-service')`
take, from the packaged files (best and median of several runs; the bound of 50 ms applies to
the best run, the one least disturbed by other work on the machine). Exits non-zero when a
bound is not met.
"""

from __future__ import annotations

import argparse
import io
import json
import pathlib
import re
import statistics
import subprocess
import sys
import tarfile
import tempfile
import xml.etree.ElementTree as ET
import zipfile

ROOT = pathlib.Path(__file__).resolve().parents[1]
MAX_NATIVE_BYTES = 10 * 1000 * 1000
MAX_GLIBC = (2, 17)
MAX_IMPORT_MS = 50.0
RUNS = 9
ALLOWED_LIBS = re.compile(r"^(libc|libm|libdl|librt|libpthread|libgcc_s|ld-linux-x86-64)\.so")

failures: list[str] = []


def fail(message: str) -> None:
    failures.append(message)
    print(f"  FAIL: {message}")


def human(n: int) -> str:
    return f"{n / 1e6:.2f} MB" if n >= 1e5 else f"{n / 1e3:.1f} kB"


def glibc_needed(path: pathlib.Path) -> tuple[tuple[int, ...], list[str]]:
    """The newest GLIBC_x.y among the undefined (imported) dynamic symbols, and the NEEDED libraries."""
    out = subprocess.run(["objdump", "-T", str(path)], check=True, capture_output=True, text=True).stdout
    versions = set()
    for line in out.splitlines():
        if "*UND*" in line:
            m = re.search(r"GLIBC_(\d+(?:\.\d+)*)", line)
            if m:
                versions.add(tuple(int(x) for x in m.group(1).split(".")))
    dyn = subprocess.run(["readelf", "-d", str(path)], check=True, capture_output=True, text=True).stdout
    needed = re.findall(r"Shared library: \[(.*?)\]", dyn)
    return (max(versions) if versions else (0,)), needed


def check_native(label: str, data: bytes, workdir: pathlib.Path) -> dict:
    path = workdir / re.sub(r"[^A-Za-z0-9_.-]", "_", label)
    path.write_bytes(data)
    glibc, needed = glibc_needed(path)
    version = ".".join(map(str, glibc))
    print(f"  {label}: {human(len(data))}, newest glibc symbol GLIBC_{version}, needs {', '.join(needed) or 'nothing'}")
    if len(data) > MAX_NATIVE_BYTES:
        fail(f"{label} is {human(len(data))}, over 10 MB")
    if glibc > MAX_GLIBC:
        fail(f"{label} needs GLIBC_{version}, newer than 2.17")
    for lib in needed:
        if not ALLOWED_LIBS.match(lib):
            fail(f"{label} needs {lib}")
    return {"artefact": label, "bytes": len(data), "glibc": version}


def zip_member(archive: pathlib.Path, name: str) -> bytes:
    with zipfile.ZipFile(archive) as zf:
        return zf.read(name)


def tar_member(archive: pathlib.Path, name: str) -> bytes:
    with tarfile.open(archive) as tf:
        f = tf.extractfile(name)
        assert f is not None
        return f.read()


def one(dist: pathlib.Path, pattern: str) -> pathlib.Path:
    found = sorted(dist.glob(pattern))
    if len(found) != 1:
        raise SystemExit(f"expected one {pattern} in {dist}, found {[str(f) for f in found]}")
    return found[0]


def timed(cmd: list[str], cwd: pathlib.Path, env: dict | None = None) -> tuple[float, float]:
    samples = []
    for _ in range(RUNS):
        out = subprocess.run(cmd, cwd=cwd, check=True, capture_output=True, text=True, env=env).stdout
        samples.append(float(out.strip().splitlines()[-1]))
    return min(samples), statistics.median(samples)


def versions_agree(version: str) -> None:
    node = json.loads((ROOT / "bindings-node" / "package.json").read_text())["version"]
    ns = {"m": "http://maven.apache.org/POM/4.0.0"}
    poms = [ROOT / "bindings-kotlin" / "pom.xml", ROOT / "packaging" / "sandbox" / "jvm" / "pom.xml"]
    found = {"Cargo.toml (workspace)": version, "bindings-node/package.json": node}
    for pom in poms:
        found[str(pom.relative_to(ROOT))] = ET.parse(pom).getroot().find("m:version", ns).text  # type: ignore[union-attr]
    print("versions: " + ", ".join(f"{k} {v}" for k, v in found.items()))
    if len(set(found.values())) != 1:
        fail(f"the versions differ: {found}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dist", default="dist", type=pathlib.Path)
    parser.add_argument("--version", required=True)
    args = parser.parse_args()
    dist: pathlib.Path = args.dist
    v = args.version
    if not dist.is_dir():
        raise SystemExit(f"{dist} does not exist: run `make dist` first")

    versions_agree(v)

    print(f"\nartefacts in {dist}/:")
    for f in sorted(p for p in dist.rglob("*") if p.is_file() and p.suffix not in (".sha1", ".md5")):
        print(f"  {human(f.stat().st_size):>10}  {f.relative_to(dist)}")

    wheel = one(dist, f"connector_service-{v}-*.whl")
    sandbox_wheel = one(dist, f"connector_service_sandbox-{v}-*.whl")
    one(dist, f"connector_service-{v}.tar.gz")
    npm = dist / "npm"
    maven = dist / "maven" / "io" / "connectorservice"

    print("\nwheel tags:")
    for w in (wheel, sandbox_wheel):
        with zipfile.ZipFile(w) as zf:
            meta = next(n for n in zf.namelist() if n.endswith(".dist-info/WHEEL"))
            tags = [line.split(": ", 1)[1] for line in zf.read(meta).decode().splitlines() if line.startswith("Tag: ")]
        print(f"  {w.name}: {', '.join(tags)}")
        if not any(t.endswith("-manylinux2014_x86_64") for t in tags):
            fail(f"{w.name} is not tagged manylinux2014_x86_64")
    if "-cp311-abi3-" not in wheel.name:
        fail(f"{wheel.name} is not a cp311-abi3 wheel")

    print("\nnative binaries:")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        work = pathlib.Path(tmp)
        rows.append(check_native("wheel: connector_service/_native.abi3.so", zip_member(wheel, "connector_service/_native.abi3.so"), work))
        rows.append(check_native("wheel: connector_service_sandbox/bin/connector-sandbox", zip_member(sandbox_wheel, "connector_service_sandbox/bin/connector-sandbox"), work))
        rows.append(check_native("npm: connector-service-linux-x64-gnu", tar_member(npm / f"connector-service-linux-x64-gnu-{v}.tgz", "package/connector-service.linux-x64-gnu.node"), work))
        rows.append(check_native("npm: connector-service-sandbox-linux-x64-gnu", tar_member(npm / f"connector-service-sandbox-linux-x64-gnu-{v}.tgz", "package/connector-sandbox"), work))
        jar = maven / "connector-service" / v / f"connector-service-{v}.jar"
        rows.append(check_native("jar: linux-x86-64/libconnector_service_kotlin.so", zip_member(jar, "linux-x86-64/libconnector_service_kotlin.so"), work))
        sjar = maven / "connector-service-sandbox" / v / f"connector-service-sandbox-{v}.jar"
        rows.append(check_native("jar: connector-service-sandbox linux-x86-64/connector-sandbox", zip_member(sjar, "io/connectorservice/sandbox/linux-x86-64/connector-sandbox"), work))
        for classifier in ("sources", "javadoc"):
            for artifact in ("connector-service", "connector-service-sandbox"):
                if not (maven / artifact / v / f"{artifact}-{v}-{classifier}.jar").exists():
                    fail(f"{artifact}-{v}-{classifier}.jar is missing")

        print("\nimport times (from the packaged files; best / median of %d runs):" % RUNS)
        site = work / "site"
        with zipfile.ZipFile(wheel) as zf:
            zf.extractall(site)
        code = "import time; t = time.perf_counter(); import connector_service; print((time.perf_counter() - t) * 1000)"
        best, median = timed([sys.executable, "-c", code], cwd=work, env={"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"})
        print(f"  python: import connector_service: {best:.1f} ms / {median:.1f} ms  ({sys.executable}, Python {sys.version.split()[0]})")
        if best > MAX_IMPORT_MS:
            fail(f"import connector_service takes {best:.1f} ms")

        modules = work / "node" / "node_modules"
        for pkg, tgz in (("connector-service", f"connector-service-{v}.tgz"), ("connector-service-linux-x64-gnu", f"connector-service-linux-x64-gnu-{v}.tgz")):
            dest = modules / pkg
            dest.mkdir(parents=True)
            with tarfile.open(npm / tgz) as tf:
                for member in tf.getmembers():
                    member.name = member.name.removeprefix("package/")
                tf.extractall(dest, filter="data")
        code = "const t = process.hrtime.bigint(); require('connector-service'); console.log(Number(process.hrtime.bigint() - t) / 1e6)"
        best, median = timed(["node", "-e", code], cwd=work / "node")
        node_version = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
        print(f"  node: require('connector-service'): {best:.1f} ms / {median:.1f} ms  (Node {node_version})")
        if best > MAX_IMPORT_MS:
            fail(f"require('connector-service') takes {best:.1f} ms")

    if failures:
        print(f"\nmake dist-check: {len(failures)} failure(s)")
        sys.exit(1)
    print("\nmake dist-check: every bound met (native <= 10 MB, glibc <= 2.17, imports < 50 ms)")


if __name__ == "__main__":
    main()
