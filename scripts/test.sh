#!/usr/bin/env bash
# Runs every podscope test on this machine: setup, unit tests, root/eBPF/podman integration tests,
# lint, typecheck and the Playwright end-to-end test against the real stack.
#   bash scripts/test.sh          (or: pnpm test:all)
# Stops at the first failing suite. Ends with the line "N passed, N failed" (suites, not cases).
#   PODSCOPE_SKIP_SETUP=1   skip scripts/setup.sh (already installed and built)
#   PODSCOPE_SUITES="unit int"   run only these suites (unit int lint typecheck e2e)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

export CI="${CI:-}" TURBO_TELEMETRY_DISABLED=1 NEXT_TELEMETRY_DISABLED=1 PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
# No test may wait on a terminal.
exec </dev/null

passed=0 failed=0
started=$SECONDS
summary=()

finish() {
  local rc=$?
  trap - EXIT
  echo
  echo "==== podscope test summary ($((SECONDS - started)) s) ===="
  for line in "${summary[@]}"; do echo "  $line"; done
  # If something outside a suite failed (setup, image), count it so the closing line says so.
  if ((rc != 0 && failed == 0)); then failed=1; fi
  echo "$passed passed, $failed failed"
  exit "$rc"
}
trap finish EXIT

suite() { # suite <name> <command...>
  local name="$1" t0=$SECONDS
  shift
  if [[ -n ${PODSCOPE_SUITES:-} && " $PODSCOPE_SUITES " != *" $name "* ]]; then
    summary+=("SKIP  $name (not in PODSCOPE_SUITES)")
    return 0
  fi
  echo
  echo "==== [$name] $* ===="
  if "$@"; then
    passed=$((passed + 1))
    summary+=("PASS  $name ($((SECONDS - t0)) s)")
  else
    local rc=$?
    failed=$((failed + 1))
    summary+=("FAIL  $name ($((SECONDS - t0)) s): '$*' exited $rc")
    echo "==== [$name] FAILED: '$*' exited $rc ====" >&2
    exit 1
  fi
}

step() { # step <name> <command...>: infrastructure, not counted as a suite
  local name="$1" t0=$SECONDS
  shift
  echo "==== [$name] ===="
  "$@" || { summary+=("FAIL  $name: '$*'"); echo "==== [$name] FAILED ====" >&2; exit 1; }
  summary+=("ok    $name ($((SECONDS - t0)) s)")
}

if [[ ${PODSCOPE_SKIP_SETUP:-0} != 1 ]]; then
  step setup bash scripts/setup.sh
fi
# shellcheck source=scripts/podman-env.sh
source scripts/podman-env.sh
step podman-image bash scripts/podman-image.sh

suite unit pnpm -r --workspace-concurrency=1 run test
suite int pnpm -r --workspace-concurrency=1 --if-present run test:int
suite lint pnpm lint
suite typecheck pnpm typecheck
suite e2e pnpm --filter @podscope/e2e run e2e
