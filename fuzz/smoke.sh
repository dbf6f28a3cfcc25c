#!/usr/bin/env bash
# Fuzz targets, as CI runs them:
#  1. on stable: rustfmt and clippy of this crate, then every seed, every crash reproducer
#     in regressions/ and a bounded set of deterministic mutations (`cargo test`);
#  2. when cargo-fuzz and a nightly toolchain are present, a short libFuzzer run of each
#     target (FUZZ_SECONDS each, default 30). Without them this step says so and is skipped.
# Usage: fuzz/smoke.sh            (from anywhere)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
seconds="${FUZZ_SECONDS:-30}"

cargo fmt --manifest-path "$here/Cargo.toml" -- --check
cargo clippy --manifest-path "$here/Cargo.toml" --target-dir "${CARGO_TARGET_DIR:-$root/target}" --all-targets -- -D warnings
cargo test --manifest-path "$here/Cargo.toml" --target-dir "${CARGO_TARGET_DIR:-$root/target}"

if ! cargo +nightly --version >/dev/null 2>&1 || ! cargo +nightly fuzz --version >/dev/null 2>&1; then
  echo "fuzz smoke: cargo-fuzz or the nightly toolchain is missing; libFuzzer runs skipped" \
       "(install: rustup toolchain install nightly && cargo install cargo-fuzz --locked)"
  exit 0
fi
cd "$root"
for target in query_model settings prometheus_matrix; do
  # Seeds are read from corpus/<target>; what libFuzzer finds goes to a scratch corpus.
  scratch="$(mktemp -d)"
  echo "fuzz smoke: $target for ${seconds}s"
  log="$(mktemp)"
  status=0
  cargo +nightly fuzz run --fuzz-dir fuzz -s none "$target" "$scratch" "fuzz/corpus/$target" \
    -- -max_total_time="$seconds" -print_final_stats=1 >"$log" 2>&1 || status=$?
  grep -E "^(Done|stat::number_of_executed_units|SUMMARY)|panicked" "$log" || true
  if [ "$status" -ne 0 ]; then
    tail -40 "$log"
    echo "fuzz smoke: $target failed; a crash input is in fuzz/artifacts/$target"
    exit 1
  fi
  rm -rf "$scratch" "$log"
done
