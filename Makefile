# connector-service — the two commands of the README's quick start:
#   make demo   a full payment lifecycle against the embedded sandbox (no credentials)
#   make test   installs what it needs and runs every test suite (Rust, Python, Node, Kotlin)

CARGO ?= cargo
BINDINGS := python node kotlin

.PHONY: demo test test-rust lint codegen-check $(addprefix test-,$(BINDINGS)) bench

demo:
	$(CARGO) run --quiet -p connector-service-examples --bin demo

test: test-rust $(addprefix test-,$(BINDINGS))
	@echo "make test: every suite passed"

codegen-check:
	$(CARGO) run --quiet -p codegen -- check

lint:
	rustup component add clippy >/dev/null 2>&1 || true
	$(CARGO) clippy --workspace --all-targets --quiet -- -D warnings

test-rust: codegen-check lint
	$(CARGO) test --workspace
	$(CARGO) build --quiet -p connector-sandbox

test-python:
	$(MAKE) -C bindings-python test

test-node:
	$(MAKE) -C bindings-node test

test-kotlin:
	$(MAKE) -C bindings-kotlin test

bench:
	$(CARGO) run --release --quiet -p connector-service-bench
