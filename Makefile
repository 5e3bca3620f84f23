# aci-triage. The two commands: `make serve` and `make test`. Both install what is missing first.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
ROOT := $(CURDIR)
E2E := $(ROOT)/tests/e2e
PORT ?= 8080
export PATH := $(E2E)/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1
export CHROMEDRIVER := /usr/bin/chromedriver
# Trunk must never try to download a tool: the exact versions are installed above.
export TRUNK_OFFLINE := true

.PHONY: serve test dist single-file tools browser fmt-check clippy test-host test-wasm test-e2e budget watch clean fuzz bench

## make serve: build the release site and serve it on http://127.0.0.1:$(PORT)
serve: dist
	@echo "Serving dist/ on http://127.0.0.1:$(PORT)  (Ctrl+C to stop)"
	python3 -m http.server $(PORT) --bind 127.0.0.1 --directory dist

## make test: every layer — format, lints, host tests, browser component tests, size budget, end-to-end
test: tools browser fmt-check clippy test-host test-wasm dist budget test-e2e

tools:
	@tools/ensure-tools.sh build

browser:
	@tools/ensure-tools.sh browser

## make dist: the release build into dist/, ready for any static host. Trunk's post_build hook
## (Trunk.toml → tools/data_files.py) puts the data files, the wizard's graph network-<hash>.json
## and the catalog catalog-<hash>.txt, beside the app; tools/postbuild.py checks them, precaches
## them and inlines them into the single file.
dist: tools
	cargo fetch --quiet
	trunk build --release
	python3 tools/postbuild.py dist

## make single-file: dist/aci-triage.html, one self-contained file that works from disk (file://)
single-file: dist
	@ls -l dist/aci-triage.html

fmt-check:
	cargo fmt --all -- --check

clippy: tools
	cargo clippy --workspace --all-targets --quiet -- -D warnings
	cargo clippy --target wasm32-unknown-unknown --lib --bins --test web --quiet -- -D warnings

## make test-host: the pure crates' tests (core). The app crate has no host tests (its tests run
## in the browser: test-wasm, test-e2e), and building it natively for none took minutes; the
## guard keeps a host test added to src/ from going unrun.
test-host:
	@if grep -rqE '#\[test\]|cfg\(test\)' src; then echo "src/ has host tests, which make test-host does not run: move them to core/ or to tests/web.rs"; exit 1; fi
	cargo test --workspace --exclude aci-triage --quiet

test-wasm: tools browser
	cargo test --target wasm32-unknown-unknown --test web

## make budget: what a first visit downloads (read from dist/index.html), gzip -9 and brotli 11;
## fails above 300 KiB gzip for the page load. Needs `make dist` first.
budget:
	python3 tools/size_budget.py dist

test-e2e: tools browser
	cd $(E2E) && npx playwright test

## make watch: debug build with live reload (trunk serve) for development
watch: tools
	trunk serve --address 127.0.0.1 --port $(PORT) --public-url /

clean:
	cargo clean
	rm -rf dist

## make fuzz: run each cargo-fuzz target for FUZZ_SECONDS (default 60) each; not part of `make test`.
## Stable Rust: no sanitizer (`-s none`). New inputs go to fuzz/corpus/<target>; the checked-in
## regression corpus core/tests/fixtures/fuzz/<target> seeds each run. Crashes land in fuzz/artifacts/.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= scan_analyze decode_payload share_decode json wizard_decode policy
FUZZ_ARGS ?= -timeout=10 -rss_limit_mb=2048
CARGO_FUZZ_VERSION := 0.13.2
fuzz:
	@command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --version $(CARGO_FUZZ_VERSION) --locked
	cd fuzz && for t in $(FUZZ_TARGETS); do \
	  mkdir -p corpus/$$t ../core/tests/fixtures/fuzz/$$t; \
	  echo "== fuzzing $$t for $(FUZZ_SECONDS)s"; \
	  cargo fuzz run -s none $$t corpus/$$t ../core/tests/fixtures/fuzz/$$t -- \
	    -max_total_time=$(FUZZ_SECONDS) $(FUZZ_ARGS) || exit 1; \
	done

## make bench: the release build, then paste-to-findings times in headless Chromium (100 KB, 1 MB,
## 10 MB) beside a plain-JavaScript page, typing at the end of a 100 KB paste, the host scanner's
## MB/s, and the time to app-ready of a cold and a repeat visit on a throttled network (1.6 Mbps,
## 150 ms RTT), served compressed. Prints a table (see README, "Benchmark"); BENCH_ARGS passes
## options (e.g. BENCH_ARGS="--only-load --json bench.json"). Not part of `make test`.
BENCH_ARGS ?=
bench: browser dist
	node tools/bench/run.mjs --dist dist $(BENCH_ARGS)
