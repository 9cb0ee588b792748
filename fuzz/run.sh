#!/usr/bin/env bash
# Runs every fuzz target (or the ones named after SECONDS) for SECONDS seconds each (default
# 60), one after another, on the
# checked-in seeds plus a working corpus (fuzz/corpus/, not committed). A crash stops the run
# and leaves the input in fuzz/artifacts/<target>/. Needs nightly and cargo-fuzz:
#   rustup toolchain install nightly && cargo install cargo-fuzz
# All targets are built first, so editing the sources while it runs changes nothing.
set -euo pipefail
cd "$(dirname "$0")"
seconds="${1:-60}"
shift || true
targets=(front_matter markdown check_scan arabic_text)
if [ "$#" -gt 0 ]; then targets=("$@"); fi
# FUZZ_PROFILE=dev builds faster and runs slower (CI's short runs): unoptimised and without
# AddressSanitizer (a panic is what short runs find in safe Rust), which halves the compile.
# The default is optimised and sanitised, for the long runs.
if [ "${FUZZ_PROFILE:-release}" = dev ]; then
  cargo +nightly fuzz build --dev --sanitizer none
  bin="target/x86_64-unknown-linux-gnu/debug"
else
  cargo +nightly fuzz build -O
  bin="target/x86_64-unknown-linux-gnu/release"
fi
for target in "${targets[@]}"; do
  mkdir -p "corpus/$target" "artifacts/$target"
  echo "==> $target for ${seconds}s"
  status=0
  "$bin/$target" "corpus/$target" "seeds/$target" -artifact_prefix="artifacts/$target/" \
    -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 > "artifacts/$target.log" 2>&1 || status=$?
  grep -E "^stat::number_of_executed_units|^Done|SUMMARY|panicked" "artifacts/$target.log" || true
  if [ "$status" -ne 0 ]; then
    echo "crash in $target (exit $status): see fuzz/artifacts/$target/ and fuzz/artifacts/$target.log"
    exit 1
  fi
done
