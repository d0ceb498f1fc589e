# connector-service — the two commands of the README's quick start:
#   make demo   a full payment lifecycle against the embedded sandbox (no credentials)
#   make test   installs what it needs and runs every test suite (Rust, Python, Node, Kotlin)

CARGO ?= cargo
# `make test` runs the codegen drift check once (test-rust); the bindings then skip theirs.
BINDING_FLAGS := $(if $(filter test,$(MAKECMDGOALS)),CODEGEN_CHECKED=1,)
BINDINGS := python node kotlin

.PHONY: demo test test-rust lint codegen-check $(addprefix test-,$(BINDINGS)) bench bench-peers

demo:
	$(CARGO) run --quiet -p connector-service-examples --bin demo

test: test-rust $(addprefix test-,$(BINDINGS))
	@echo "make test: every suite passed"

codegen-check:
	$(CARGO) run --quiet -p codegen -- check

lint:
	$(CARGO) clippy --workspace --all-targets --quiet -- -D warnings

test-rust: codegen-check lint
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
