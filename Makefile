# connector-service — the two commands of the README's quick start:
#   make demo   a full payment lifecycle against the embedded sandbox (no credentials)
#   make test   installs what it needs and runs every test suite (Rust, Python, Node, Kotlin),
#               the format and lint checks included
#   make lint   the format and lint checks alone: rustfmt and clippy, ruff (Python), ESLint
#               (JavaScript, TypeScript), ktlint through Spotless (Kotlin)

CARGO ?= cargo
# `make test` runs the codegen drift check once (test-rust); the bindings then skip theirs.
BINDING_FLAGS := $(if $(filter test,$(MAKECMDGOALS)),CODEGEN_CHECKED=1,)
BINDINGS := python node kotlin

.PHONY: demo test test-rust lint lint-rust codegen-check $(addprefix test-,$(BINDINGS)) \
	$(addprefix lint-,$(BINDINGS)) bench bench-peers
.PHONY: reliability reliability-rust $(addprefix reliability-,$(BINDINGS))

demo:
	$(CARGO) run --quiet -p connector-service-examples --bin demo

test: test-rust $(addprefix test-,$(BINDINGS))
	@echo "make test: every suite passed"

codegen-check:
	$(CARGO) run --quiet -p codegen -- check

lint: lint-rust $(addprefix lint-,$(BINDINGS))

lint-rust:
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets --quiet -- -D warnings

# Each binding's `make test` runs its own lint first.
lint-python:
	$(MAKE) -C bindings-python lint

lint-node:
	$(MAKE) -C bindings-node lint

lint-kotlin:
	$(MAKE) -C bindings-kotlin lint

test-rust: codegen-check lint-rust
	$(CARGO) test --workspace
	$(CARGO) build --quiet -p connector-sandbox

# The bindings' own codegen checks are skipped here: test-rust ran it once for every binding.
test-python:
	$(MAKE) -C bindings-python test $(BINDING_FLAGS)

test-node:
	$(MAKE) -C bindings-node test $(BINDING_FLAGS)

test-kotlin:
	$(MAKE) -C bindings-kotlin test $(BINDING_FLAGS)

# Benchmarks (bench/Makefile), not part of `make test`: release builds, a few minutes each.
bench:
	$(MAKE) -C bench bench

bench-peers:
	$(MAKE) -C bench bench-peers

# make reliability (reliability/README.md): the fault matrix x every write flow, fuzzing of
# every parser, the secrets audit of every scenario in every language at TRACE, and the soak of
# every binding. Not part of `make test` (which runs its fast subset, reliability/tests/fast.rs).
# Ends with `reliability: N cases, ...`; fails unless every count but the first is zero.
RELIABILITY_OUT := $(CURDIR)/target/reliability
SANDBOX_BIN := $(CURDIR)/target/debug/connector-sandbox
SOAK_ITERATIONS ?= 1000

reliability: $(addprefix reliability-,$(BINDINGS)) reliability-rust

reliability-rust:
	$(CARGO) build --quiet -p connector-sandbox -p connector-service-reliability
	RUST_LOG=trace ./target/debug/reliability --sandbox-bin $(SANDBOX_BIN) \
		--soak-iterations $(SOAK_ITERATIONS) \
		--binding-logs $(RELIABILITY_OUT) --soak-results $(RELIABILITY_OUT)

# Each binding: its scenario suite with everything it prints captured, the core's logs included
# at TRACE through the binding's own logging (Python logging via log_cli, a Node logger set by
# reliability/logs/node-trace.mjs, SLF4J's simple backend for Kotlin), then its soak.
# A failing scenario suite does not stop the audit.
$(RELIABILITY_OUT):
	mkdir -p $@

reliability-python: | $(RELIABILITY_OUT)
	$(MAKE) -C bindings-python develop sandbox
	cd bindings-python && RUST_LOG=trace CONNECTOR_SANDBOX_BIN=$(SANDBOX_BIN) .venv/bin/python -m pytest \
		tests/test_scenarios.py -vv -s -rA -o log_cli=true --log-cli-level=5 \
		> $(RELIABILITY_OUT)/python-scenarios.log 2>&1 || true
	bindings-python/.venv/bin/python reliability/soak/soak.py $(SANDBOX_BIN) \
		$(RELIABILITY_OUT)/soak-python.json $(SOAK_ITERATIONS)

reliability-node: | $(RELIABILITY_OUT)
	$(MAKE) -C bindings-node install build sandbox
	cd bindings-node && RUST_LOG=trace node --import ../reliability/logs/node-trace.mjs \
		--test --test-reporter=spec test/scenarios.test.mjs \
		> $(RELIABILITY_OUT)/node-scenarios.log 2>&1 || true
	cd bindings-node && node ../reliability/soak/soak.mjs $(SANDBOX_BIN) \
		$(RELIABILITY_OUT)/soak-node.json $(SOAK_ITERATIONS)

# The JVM's heap is fixed and committed up front, so that RSS growth in the soak is what the
# native library (or a leak of objects past a full heap) adds, not the heap expanding lazily.
KOTLIN_SOAK_JVM := -Xms128m -Xmx128m -XX:+AlwaysPreTouch

reliability-kotlin: | $(RELIABILITY_OUT)
	$(MAKE) -C bindings-kotlin glue
	cd bindings-kotlin && RUST_LOG=trace $(MAKE) --no-print-directory kotlin-test \
		MVN_FLAGS="-B -ntp -Dtest=ScenariosTest -Dsurefire.failIfNoSpecifiedTests=false -DtrimStackTrace=false -Dtest.log.level=trace" \
		> $(RELIABILITY_OUT)/kotlin-scenarios.log 2>&1 || true
	cd bindings-kotlin && $(MAKE) --no-print-directory kotlin-test \
		MVN_FLAGS="-B -ntp -Dtest=SoakTest -Dreliability.soak.out=$(RELIABILITY_OUT)/soak-kotlin.json -Dreliability.soak.iterations=$(SOAK_ITERATIONS) '-DargLine=$(KOTLIN_SOAK_JVM)'"

# `make dist`, `make dist-check`, `make dist-install-check`: packaging/dist.mk (not part of `make test`).
include packaging/dist.mk
