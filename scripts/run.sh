#!/usr/bin/env bash
# Runs podscope on this machine: the hub (serving the web UI) + this node's agent + a demo pod.
#   bash scripts/run.sh          (or: pnpm start)      then open http://127.0.0.1:7070
# Ctrl-C stops everything. Settings (environment):
#   PODSCOPE_HOST / PODSCOPE_PORT   where the hub listens (127.0.0.1 / 7070)
#   PODSCOPE_DATA_DIR               hub data: users, agent tokens (<repo>/.podscope)
#   PODSCOPE_ADMIN_PASSWORD         initial admin password (otherwise random, printed on first start)
#   PODSCOPE_RESET_ADMIN=1          give the existing admin a new password (printed)
#   PODSCOPE_LOG_DIR                hub.log / agent.log (<repo>/.var/run-<port>)
#   PODSCOPE_SKIP_SETUP=1           don't run scripts/setup.sh first (tests already did)
#   PODSCOPE_NO_DEMO=1              don't create the demo-web-1 container
#   PODSCOPE_START_TIMEOUT          seconds to wait for hub + agent (90)
#   PODSCOPE_PARENT_PID             stop when this process is gone (the e2e runner sets it)
#   PODSCOPE_KUBECONFIG             cluster mode: follow this API server (a kubeconfig, or in-cluster);
#                                   try it with: tsx apps/server/src/k8s/testing/devApiServer.ts F "$(hostname)"
#   PODSCOPE_ROLES                  embedded default: JSON role file (user → namespaces → grants)
# Prints "PODSCOPE_READY url=<url>" once the hub answers and the agent is connected (e2e waits on it).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo="$PWD"

log() { printf '[run] %s\n' "$*"; }
die() { printf '[run] ERROR: %s\n' "$*" >&2; exit 1; }

host="${PODSCOPE_HOST:-127.0.0.1}"
port="${PODSCOPE_PORT:-7070}"
data_dir="${PODSCOPE_DATA_DIR:-$repo/.podscope}"
log_dir="${PODSCOPE_LOG_DIR:-$repo/.var/run-$port}"
timeout_s="${PODSCOPE_START_TIMEOUT:-90}"
node_name="${PODSCOPE_NODE_NAME:-$(hostname)}"
url="http://$host:$port"

[[ ${PODSCOPE_SKIP_SETUP:-0} == 1 ]] || bash scripts/setup.sh
# shellcheck source=scripts/podman-env.sh
source scripts/podman-env.sh
bash scripts/podman-image.sh

[[ -f apps/server/src/main.ts ]] || die "apps/server/src/main.ts is missing: the hub is not built yet"
[[ -f packages/agent/bin/podscope-agent.mjs ]] || die "packages/agent/bin/podscope-agent.mjs is missing"
[[ -d apps/web/out ]] || log "WARNING: apps/web/out is missing (run 'pnpm build'); the hub will have no UI to serve"

if curl -s -o /dev/null --max-time 1 "$url/"; then
  die "something already answers on $url; stop it or pick another port: PODSCOPE_PORT=7071 bash scripts/run.sh"
fi

# --- demo pod ----------------------------------------------------------------------------------
# A container labelled like a kubelet-made one, so a newcomer has pod demo/web-1 to pick.
if [[ ${PODSCOPE_NO_DEMO:-0} != 1 ]]; then
  if ! podman container exists demo-web-1; then
    podman run -d --name demo-web-1 \
      --label io.kubernetes.pod.namespace=demo \
      --label io.kubernetes.pod.name=web-1 \
      --label io.kubernetes.container.name=web \
      "$PODSCOPE_TEST_IMAGE" sleep infinity >/dev/null
    log "created demo container demo-web-1 (pod demo/web-1, container web)"
  elif [[ $(podman container inspect -f '{{.State.Running}}' demo-web-1) != true ]]; then
    podman start demo-web-1 >/dev/null
  fi
fi

# --- hub + agent -------------------------------------------------------------------------------
mkdir -p "$data_dir" "$log_dir"
first_start=1
[[ -f $data_dir/users.json ]] && first_start=0

# A fresh token per run for the local agent; the hub accepts it from PODSCOPE_AGENT_TOKEN.
PODSCOPE_AGENT_TOKEN="$(od -An -tx1 -N24 /dev/urandom | tr -d ' \n')"
token_file="$log_dir/agent.token"
(umask 077 && printf '%s\n' "$PODSCOPE_AGENT_TOKEN" >"$token_file")
export PODSCOPE_AGENT_TOKEN PODSCOPE_DATA_DIR="$data_dir" PODSCOPE_HOST="$host" PODSCOPE_PORT="$port"

hub_pid="" agent_pid="" watcher_pid=""
stopping=0
cleanup() {
  local rc=$?
  set +e
  ((stopping)) && return
  stopping=1
  trap - INT TERM EXIT
  [[ -n $watcher_pid ]] && kill "$watcher_pid" 2>/dev/null
  local pids=()
  for p in $agent_pid $hub_pid; do kill -0 "$p" 2>/dev/null && pids+=("$p"); done
  if ((${#pids[@]})); then
    log "stopping (agent, hub)"
    kill -TERM "${pids[@]}" 2>/dev/null
    for _ in $(seq 50); do
      local alive=0
      for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
      ((alive)) || break
      sleep 0.1
    done
    kill -KILL "${pids[@]}" 2>/dev/null
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# `node --import tsx` keeps one process per app (the tsx CLI would add a wrapper process).
: >"$log_dir/hub.log"
(cd apps/server && exec node --import tsx src/main.ts) >>"$log_dir/hub.log" 2>&1 &
hub_pid=$!

wait_for() { # wait_for <what> <command...>: poll until the command succeeds, the hub dies or time runs out
  local what="$1" deadline=$((SECONDS + timeout_s))
  shift
  until "$@"; do
    kill -0 "$hub_pid" 2>/dev/null || { tail -n 30 "$log_dir/hub.log" >&2; die "the hub exited while waiting for $what"; }
    [[ -z $agent_pid ]] || kill -0 "$agent_pid" 2>/dev/null \
      || { tail -n 30 "$log_dir/agent.log" >&2; die "the agent exited while waiting for $what"; }
    ((SECONDS < deadline)) || die "timed out after ${timeout_s}s waiting for $what (logs: $log_dir)"
    sleep 0.2
  done
}
wait_for "the hub on $url/healthz" curl -fs -o /dev/null --max-time 2 "$url/healthz"

: >"$log_dir/agent.log"
node packages/agent/bin/podscope-agent.mjs serve \
  --hub "ws://$host:$port/agent" --token-file "$token_file" --node "$node_name" \
  >>"$log_dir/agent.log" 2>&1 &
agent_pid=$!

agent_connected() {
  # /healthz lists the nodes whose agents are connected: {"status":"ok","agents":["<node>"]}.
  curl -fs --max-time 2 "$url/healthz" 2>/dev/null | node -e '
    let s = "";
    process.stdin.on("data", (d) => (s += d)).on("end", () => {
      let agents = [];
      try { agents = JSON.parse(s).agents ?? []; } catch {}
      process.exit(agents.includes(process.argv[1]) ? 0 : 1);
    });' "$node_name"
}
wait_for "the agent to connect" agent_connected

echo
log "podscope is running at $url"
if [[ -n ${PODSCOPE_ADMIN_PASSWORD:-} && $first_start == 1 ]]; then
  log "log in as admin with the password from PODSCOPE_ADMIN_PASSWORD"
elif grep -qi 'password' "$log_dir/hub.log"; then
  log "log in with:"
  grep -i 'password' "$log_dir/hub.log" | sed 's/^/[run]   /'
else
  log "log in as admin with the password printed on first start,"
  log "or reset it: PODSCOPE_RESET_ADMIN=1 bash scripts/run.sh"
fi
if [[ ${PODSCOPE_NO_DEMO:-0} != 1 ]]; then
  log "try: pick pod demo/web-1, gadget trace_exec, Start, then run:"
  log "  source scripts/podman-env.sh && podman exec demo-web-1 ls /"
fi
log "logs: $log_dir/{hub,agent}.log; Ctrl-C stops."
echo "PODSCOPE_READY url=$url"

# Follow both logs, prefixed; --pid ends each tail with this script.
tail -n 0 -F --pid=$$ "$log_dir/hub.log" 2>/dev/null | sed -u 's/^/[hub] /' &
tail -n 0 -F --pid=$$ "$log_dir/agent.log" 2>/dev/null | sed -u 's/^/[agent] /' &
watch_pids=("$hub_pid" "$agent_pid")
if [[ -n ${PODSCOPE_PARENT_PID:-} ]]; then
  (while kill -0 "$PODSCOPE_PARENT_PID" 2>/dev/null; do sleep 1; done) &
  watcher_pid=$!
  watch_pids+=("$watcher_pid")
fi
# Runs until Ctrl-C/TERM, or until the hub or the agent exits (then stop the other one too).
set +e
wait -n "${watch_pids[@]}"
rc=$?
[[ -n ${PODSCOPE_PARENT_PID:-} ]] && ! kill -0 "$PODSCOPE_PARENT_PID" 2>/dev/null && log "parent $PODSCOPE_PARENT_PID is gone"
kill -0 "$hub_pid" 2>/dev/null || log "the hub exited (status $rc)"
kill -0 "$agent_pid" 2>/dev/null || log "the agent exited (status $rc)"
exit 1
