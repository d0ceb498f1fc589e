# Distribution: `make dist`, `make dist-check`, `make dist-install-check`, `make dist-sdist-check` (README.md, "Install and distribution").
# Included by the top-level Makefile; none of these targets is part of `make test`.
#
# One toolchain for every native artefact: cargo-zigbuild (PyPI `cargo-zigbuild`, a prebuilt
# binary) with zig (PyPI `ziglang`) as the C compiler and linker, targeting glibc 2.17
# (manylinux2014). It builds the sandbox, the Node addon and the JVM library, and the wheel's
# extension too: maturin packages and audits the wheel, its `cargo rustc` going through
# cargo-zigbuild (packaging/zig-cargo/cargo), so the C objects (aws-lc) are compiled once.
# (maturin's own `--zig` gives the same wheel, but compiles everything a second time with other
# compiler wrappers.) The tools are pinned and installed into .dist-tools/venv; no root needed.

DIST_DIR := dist
DIST_TOOLS := .dist-tools
DIST_VENV := $(DIST_TOOLS)/venv
DIST_PYTHON ?= python3
MATURIN_VERSION := 1.16.0
ZIGLANG_VERSION := 0.15.2
CARGO_ZIGBUILD_VERSION := 0.24.1

DIST_TRIPLE := x86_64-unknown-linux-gnu
DIST_GLIBC := 2.17
DIST_PROFILE := dist
DIST_OUT := target/$(DIST_TRIPLE)/$(DIST_PROFILE)
DIST_VERSION := $(shell sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)

# Reproducible: archive timestamps from the last commit, no build paths in the binaries.
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 315532800)
DIST_CARGO_HOME := $(or $(CARGO_HOME),$(HOME)/.cargo)
DIST_RUSTFLAGS := --remap-path-prefix=$(CURDIR)=/connector-service --remap-path-prefix=$(DIST_CARGO_HOME)=/cargo
DIST_ENV := PATH="$(abspath $(DIST_VENV))/bin:$$PATH" SOURCE_DATE_EPOCH=$(SOURCE_DATE_EPOCH) \
	CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_RUSTFLAGS="$(DIST_RUSTFLAGS)"
# What the compilers see as SOURCE_DATE_EPOCH (__DATE__ / __TIME__ in C code): a constant, not
# the commit's time, so that a new commit does not make cargo run the C builds (aws-lc) again
# (the `cc` crate reruns a build script when SOURCE_DATE_EPOCH changes). The archives keep the
# commit's time.
DIST_BUILD_EPOCH := 315532800

DIST_REAL_CARGO := $(shell command -v cargo)
DIST_MVN ?= mvn
DIST_MVN_FLAGS ?= -B -ntp -q

.PHONY: dist dist-tools dist-native dist-python dist-sandbox-python dist-node dist-jvm dist-check dist-install-check dist-sdist-check dist-clean

dist: dist-python dist-sandbox-python dist-node dist-jvm
	@echo "make dist: artefacts in $(DIST_DIR)/"
	@cd $(DIST_DIR) && find . -type f ! -name '*.sha1' ! -name '*.md5' | sort

$(DIST_VENV)/.installed-$(MATURIN_VERSION)-$(ZIGLANG_VERSION)-$(CARGO_ZIGBUILD_VERSION):
	rm -rf $(DIST_VENV)
	$(DIST_PYTHON) -m venv $(DIST_VENV)
	$(DIST_VENV)/bin/pip install --quiet "maturin==$(MATURIN_VERSION)" "ziglang==$(ZIGLANG_VERSION)" "cargo-zigbuild==$(CARGO_ZIGBUILD_VERSION)"
	touch $@

dist-tools: $(DIST_VENV)/.installed-$(MATURIN_VERSION)-$(ZIGLANG_VERSION)-$(CARGO_ZIGBUILD_VERSION)

# The sandbox, the Node addon and the JVM library in one cargo invocation (shared dependencies
# are compiled once), linked by zig against glibc 2.17.
dist-native: dist-tools
	$(DIST_ENV) SOURCE_DATE_EPOCH=$(DIST_BUILD_EPOCH) cargo-zigbuild zigbuild --locked --profile $(DIST_PROFILE) --target $(DIST_TRIPLE).$(DIST_GLIBC) \
		-p connector-sandbox -p connector-service-node -p connector-service-kotlin

# The abi3 wheel (CPython 3.11+) tagged manylinux2014, and the sdist. After dist-native: one
# release build at a time, and the C objects are reused. The wheel's SBOM names the workspace
# crates by path: wheel_sbom_paths.py remaps the checkout's path as the native code's is.
dist-python: dist-native
	mkdir -p $(DIST_DIR)
	rm -f $(DIST_DIR)/connector_service-*
	cd bindings-python && $(DIST_ENV) PATH="$(abspath packaging/zig-cargo):$(abspath $(DIST_VENV))/bin:$$PATH" \
		DIST_REAL_CARGO="$(DIST_REAL_CARGO)" DIST_GLIBC=$(DIST_GLIBC) DIST_BUILD_EPOCH=$(DIST_BUILD_EPOCH) \
		maturin build --locked --profile $(DIST_PROFILE) --target $(DIST_TRIPLE) \
		--compatibility manylinux2014 --out $(abspath $(DIST_DIR))
	$(DIST_PYTHON) packaging/wheel_sbom_paths.py --root $(CURDIR) $(DIST_DIR)/connector_service-$(DIST_VERSION)-*.whl
	cd bindings-python && $(DIST_ENV) maturin sdist --out $(abspath $(DIST_DIR))

# connector-service-sandbox: the sandbox binary and a small launcher (no Rust needed).
dist-sandbox-python: dist-native
	mkdir -p $(DIST_DIR)
	rm -f $(DIST_DIR)/connector_service_sandbox-*
	SOURCE_DATE_EPOCH=$(SOURCE_DATE_EPOCH) $(DIST_PYTHON) packaging/sandbox/python/build_wheel.py \
		--binary $(DIST_OUT)/connector-sandbox --version $(DIST_VERSION) --out $(DIST_DIR)

# connector-service + connector-service-linux-x64-gnu, connector-service-sandbox +
# connector-service-sandbox-linux-x64-gnu (napi-rs's platform-package layout).
dist-node: dist-native
	$(DIST_PYTHON) packaging/npm_packages.py --version $(DIST_VERSION) \
		--addon $(DIST_OUT)/libconnector_service_node.so --sandbox $(DIST_OUT)/connector-sandbox \
		--stage target/dist-stage/npm --out $(DIST_DIR)/npm

# The JVM jars (library, sources, javadoc, POM) and the sandbox artefact, as files and as a
# local Maven repository (dist/maven).
dist-jvm: dist-native
	$(MAKE) -C bindings-kotlin glue SHIPPED_LIB=$(abspath $(DIST_OUT))/libconnector_service_kotlin.so
	$(DIST_MVN) $(DIST_MVN_FLAGS) -f bindings-kotlin/pom.xml -Pdist -DskipTests \
		-Dproject.build.outputTimestamp=$(SOURCE_DATE_EPOCH) clean package
	mkdir -p target/dist-stage/jvm-sandbox/src/main/resources/io/connectorservice/sandbox/linux-x86-64
	cp $(DIST_OUT)/connector-sandbox target/dist-stage/jvm-sandbox/src/main/resources/io/connectorservice/sandbox/linux-x86-64/
	$(DIST_MVN) $(DIST_MVN_FLAGS) -f packaging/sandbox/jvm/pom.xml -DskipTests \
		-Dproject.build.outputTimestamp=$(SOURCE_DATE_EPOCH) \
		-Dsandbox.resources=$(abspath target/dist-stage/jvm-sandbox/src/main/resources) \
		-Dsandbox.build.dir=$(abspath target/dist-stage/jvm-sandbox/target) clean package
	$(DIST_PYTHON) packaging/maven_repo.py --out $(DIST_DIR)/maven \
		--artifact bindings-kotlin/pom.xml bindings-kotlin/target \
		--artifact packaging/sandbox/jvm/pom.xml target/dist-stage/jvm-sandbox/target

# Sizes, import times and the newest glibc symbol version of every native artefact.
dist-check:
	$(DIST_PYTHON) packaging/dist_check.py --dist $(DIST_DIR) --version $(DIST_VERSION)

# Installs each artefact as a user would, with no Rust toolchain on the PATH, and runs the
# examples against the packaged sandbox.
dist-install-check:
	packaging/install_check.sh $(abspath $(DIST_DIR)) $(DIST_VERSION)

# The sdist builds from source: pip builds a wheel from it in a fresh venv (maturin from PyPI,
# Rust needed), which is installed and imported. The dev profile and a target folder of its own
# that is kept between runs (target/dist-check/sdist-target: nothing of `make test`'s is
# touched) keep it quick: the check is about the sdist's contents, not about optimization.
dist-sdist-check:
	rm -rf target/dist-check/sdist
	$(DIST_PYTHON) -m venv target/dist-check/sdist/venv
	MATURIN_PEP517_ARGS="--profile dev" CARGO_TARGET_DIR=$(abspath target/dist-check/sdist-target) \
		target/dist-check/sdist/venv/bin/pip wheel --quiet --no-deps $(DIST_DIR)/connector_service-$(DIST_VERSION).tar.gz -w target/dist-check/sdist/out
	target/dist-check/sdist/venv/bin/pip install --quiet --no-index target/dist-check/sdist/out/connector_service-$(DIST_VERSION)-*.whl
	cd target/dist-check/sdist && venv/bin/python -c "import connector_service as cs; print('sdist build: connector_service', cs.__version__, cs.Money(2500, 'EUR'))"

dist-clean:
	rm -rf $(DIST_DIR) target/dist-stage target/dist-check
