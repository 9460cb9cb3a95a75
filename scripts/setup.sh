#!/usr/bin/env bash
# Installs everything podscope needs on a Debian 12 machine, then installs node packages and builds.
# Idempotent and quick when nothing is missing (dpkg checks, pnpm's up-to-date check, turbo's cache).
#   bash scripts/setup.sh            # everything
#   PODSCOPE_SKIP_BUILD=1 bash scripts/setup.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

log() { printf '[setup] %s\n' "$*"; }
die() { printf '[setup] ERROR: %s\n' "$*" >&2; exit 1; }

export DEBIAN_FRONTEND=noninteractive
export TURBO_TELEMETRY_DISABLED=1 NEXT_TELEMETRY_DISABLED=1
# Browsers come from Debian (/usr/bin/chromium); Playwright's own download cannot be reached.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

# --- Debian packages ---------------------------------------------------------------------------
# eBPF toolchain + test oracles, rootful podman (runc, netavark bridge networking, iptables for its
# NAT rules), the busybox for the test image, the e2e browser, libpcap for packet filters,
# real DNS/HTTP servers for the packet scenario tests, curl/procps for the run/test scripts.
apt_packages=(
  clang llvm bpftool libbpf1 libbpf-dev
  podman runc conmon netavark aardvark-dns iptables
  busybox-static
  chromium fonts-liberation
  libpcap0.8 libpcap-dev tcpdump bpftrace
  dnsmasq-base haproxy
  linux-libc-dev util-linux python3
  iproute2 curl procps ca-certificates
)

missing=()
for pkg in "${apt_packages[@]}"; do
  status="$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)"
  [[ $status == "install ok installed" ]] || missing+=("$pkg")
done

if ((${#missing[@]})); then
  sudo=()
  if [[ $(id -u) != 0 ]]; then
    command -v sudo >/dev/null || die "need root (or sudo) to install: ${missing[*]}"
    sudo=(sudo -E)
  fi
  log "installing Debian packages: ${missing[*]}"
  t0=$SECONDS
  "${sudo[@]}" apt-get update -qq
  # Servers installed for tests (haproxy) must not start as system services: deny service starts during the
  # install with a policy-rc.d, unless the machine already has one (then it is left exactly as it was).
  policy=/usr/sbin/policy-rc.d
  made_policy=0
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' | "${sudo[@]}" tee "$policy" >/dev/null
    "${sudo[@]}" chmod 755 "$policy"
    made_policy=1
  fi
  apt_rc=0
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o Dpkg::Use-Pty=0 "${missing[@]}" >/tmp/podscope-apt.log 2>&1 || apt_rc=$?
  ((made_policy)) && "${sudo[@]}" rm -f "$policy"
  ((apt_rc == 0)) || { tail -n 40 /tmp/podscope-apt.log >&2; die "apt-get install failed (full log: /tmp/podscope-apt.log)"; }
  log "Debian packages installed in $((SECONDS - t0)) s"
fi

# --- pnpm --------------------------------------------------------------------------------------
pnpm_major="$(pnpm --version 2>/dev/null | cut -d. -f1 || true)"
if [[ $pnpm_major != 10 ]]; then
  log "installing pnpm 10 (npm i -g pnpm@10)"
  npm i -g --silent --no-fund --no-audit pnpm@10 >/dev/null
  hash -r
fi

# --- node packages -----------------------------------------------------------------------------
if [[ -f pnpm-lock.yaml ]]; then
  if ! pnpm install --frozen-lockfile --reporter=append-only >/tmp/podscope-pnpm.log 2>&1; then
    # A package.json changed without its lockfile update: say so loudly, but still get a working tree.
    grep -E 'ERR_PNPM|lockfile' /tmp/podscope-pnpm.log | head -n 5 >&2 || true
    log "WARNING: pnpm-lock.yaml is out of date with package.json; running 'pnpm install --no-frozen-lockfile'"
    pnpm install --no-frozen-lockfile --reporter=append-only >/tmp/podscope-pnpm.log 2>&1 \
      || { tail -n 40 /tmp/podscope-pnpm.log >&2; die "pnpm install failed (full log: /tmp/podscope-pnpm.log)"; }
  fi
else
  pnpm install --reporter=append-only >/tmp/podscope-pnpm.log 2>&1 \
    || { tail -n 40 /tmp/podscope-pnpm.log >&2; die "pnpm install failed (full log: /tmp/podscope-pnpm.log)"; }
fi
grep -E '^(Packages|Done|Already up to date)' /tmp/podscope-pnpm.log | tail -n 2 | sed 's/^/[setup] pnpm: /' || true

# --- build (eBPF objects, typecheck, web static export) -----------------------------------------
if [[ ${PODSCOPE_SKIP_BUILD:-0} != 1 ]]; then
  t0=$SECONDS
  pnpm build --output-logs=errors-only || die "pnpm build failed"
  # A turbo cache hit only restores the outputs listed in turbo.json; if the hub's static UI is
  # missing (e.g. `out/` deleted, or not listed there), rebuild the web app for real.
  if [[ -f apps/web/package.json && ! -f apps/web/out/index.html ]]; then
    log "apps/web/out is missing after a cached build; rebuilding @podscope/web"
    pnpm exec turbo run build --filter=@podscope/web --force --output-logs=errors-only \
      || die "building @podscope/web failed"
    [[ -f apps/web/out/index.html ]] || die "apps/web/out/index.html is still missing after building @podscope/web"
  fi
  log "build done in $((SECONDS - t0)) s"
fi
