#!/usr/bin/env bash
# Installs what the build and the tests need, only where it is missing, at pinned versions and
# only from the package registries (crates.io, npm, Debian). Usage:
#   tools/ensure-tools.sh build     # wasm32 target, trunk, wasm-bindgen-cli, npm packages (wasm-opt)
#   tools/ensure-tools.sh browser   # Chromium and ChromeDriver from Debian
set -euo pipefail

TRUNK_VERSION=0.21.14
WASM_BINDGEN_VERSION=0.2.130
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
E2E="$ROOT/tests/e2e"
CARGO_BIN="${CARGO_HOME:-$HOME/.cargo}/bin"
export PATH="$CARGO_BIN:$PATH"

say() { printf '==> %s\n' "$*"; }

need_root() {
  # Runs a command as root, or prints it for the user to run.
  if [ "$(id -u)" = 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo "$@"
  else
    echo "This step needs root. Run it yourself, then run make again:" >&2
    echo "  sudo $*" >&2
    exit 1
  fi
}

ensure_target() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
}

has_version() { # command, expected version substring
  command -v "$1" >/dev/null 2>&1 && "$1" --version 2>/dev/null | grep -q "$2"
}

install_trunk() {
  # Without fat LTO the install takes about 9 minutes instead of 12 on two cores.
  CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
    cargo install trunk --version "$TRUNK_VERSION" --locked
}

install_wasm_bindgen() {
  # Not --locked: its lockfile pins a webpki-roots release the registry mirror lacks.
  CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
    cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
}

ensure_cargo_tools() {
  local pids=() names=()
  if ! has_version trunk "trunk $TRUNK_VERSION"; then
    say "installing trunk $TRUNK_VERSION (about 9 minutes, once)"
    install_trunk > "$ROOT/target/install-trunk.log" 2>&1 & pids+=($!); names+=(trunk)
  fi
  if ! has_version wasm-bindgen "wasm-bindgen $WASM_BINDGEN_VERSION" || ! has_version wasm-bindgen-test-runner "$WASM_BINDGEN_VERSION"; then
    say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 3 minutes, once)"
    install_wasm_bindgen > "$ROOT/target/install-wasm-bindgen.log" 2>&1 & pids+=($!); names+=(wasm-bindgen)
  fi
  local failed=0
  for i in "${!pids[@]}"; do
    if ! wait "${pids[$i]}"; then
      echo "installing ${names[$i]} failed; its log:" >&2
      tail -n 30 "$ROOT/target/install-${names[$i]}.log" >&2
      failed=1
    fi
  done
  return $failed
}

ensure_npm() {
  # node_modules is current when it was installed from this exact lockfile.
  local stamp="$E2E/node_modules/.installed-from-lock"
  if [ ! -f "$stamp" ] || ! cmp -s "$E2E/package-lock.json" "$stamp"; then
    say "installing npm packages (wasm-opt from binaryen, Playwright without browsers, axe-core)"
    (cd "$E2E" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
    cp "$E2E/package-lock.json" "$stamp"
  fi
}

ensure_browser() {
  if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
    say "installing Chromium and ChromeDriver from Debian"
    need_root apt-get update
    need_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium chromium-driver
  fi
}

mkdir -p "$ROOT/target"
case "${1:-build}" in
  build) ensure_target; ensure_npm; ensure_cargo_tools ;;
  browser) ensure_browser ;;
  *) echo "usage: $0 build|browser" >&2; exit 2 ;;
esac
