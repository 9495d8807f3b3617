#!/usr/bin/env bash
# Fault suite (issue 10): the real backend jar (embedded PostgreSQL on a persistent temporary home) and real CPU
# worker agents as separate processes, so SIGKILL, SIGTERM and SIGSTOP are real. Seven faults, one after the other,
# each on its own small run, each with a bounded wait; one table at the end (also in <dir>/faults.md).
#
#   bench/fault-suite.sh [--only 1,3,7] [--keep] [--dir DIR]
#
#   --only   run only these faults (the baseline run 0 always runs first: it warms the token cache and gives the
#            expected points per metric key)
#   --keep   leave DIR (logs, database, worker folders) behind; otherwise it is removed when every fault survived
#   --dir    where everything goes (default: a new /tmp/normlab-faults.XXXXXX)
#
# Needs: java 17+, curl, jq, root for the full-disk fault (a 1 MiB tmpfs; without root that fault is skipped) and
# the jars (./mvnw -q -B -pl api,optim,worker,backend -am package -DskipTests). Takes ~6 min on 2 shared cores.
# Environment: FAULTS_STEPS (steps per run, default 200), FAULTS_LEASE (seconds, default 15).
set -euo pipefail
umask 077

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BACKEND_JAR="$ROOT/backend/target/normlab-backend-exec.jar"
WORKER_JAR="$ROOT/worker/target/normlab-worker.jar"
STEPS="${FAULTS_STEPS:-200}"
CHECKPOINT_EVERY=20
LEASE="${FAULTS_LEASE:-15}"
CONFIRM=5
# bounded waits (seconds): a fault that does not resolve within them is recorded as not survived
BACKEND_START_TIMEOUT=300
RUN_TIMEOUT=600
ONLY=""
KEEP=false
DIR=""

while [[ $# -gt 0 ]]; do
  case "$1" in
    --only) ONLY="$2"; shift 2 ;;
    --keep) KEEP=true; shift ;;
    --dir) DIR="$2"; shift 2 ;;
    -h | --help) sed -n '2,/^set /{/^#/p}' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

for tool in java curl jq; do
  command -v "$tool" >/dev/null || { echo "fault-suite: '$tool' is required" >&2; exit 2; }
done
[[ -f "$BACKEND_JAR" && -f "$WORKER_JAR" ]] || {
  echo "fault-suite: build the jars first: ./mvnw -q -B -pl api,optim,worker,backend -am package -DskipTests" >&2
  exit 2
}

DIR="${DIR:-$(mktemp -d /tmp/normlab-faults.XXXXXX)}"
HOME_DIR="$DIR/home"          # the backend's normlab.home: database, tokens
LOGS="$DIR/logs"
mkdir -p "$HOME_DIR" "$LOGS" "$DIR/data"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null \
  || echo $((20000 + RANDOM % 20000)))"
URL="http://127.0.0.1:$PORT"
TABLE="$DIR/faults.md"

BACKEND_PID=""
BACKEND_STARTS=0
declare -A WORKER_PIDS=()
TMPFS=""

log() { printf '%s  %s\n' "$(date -u +%H:%M:%S)" "$*" | tee -a "$LOGS/suite.log" >&2; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# --- processes ---------------------------------------------------------------------------------------------------

start_backend() {
  BACKEND_STARTS=$((BACKEND_STARTS + 1))
  local logfile="$LOGS/backend-$BACKEND_STARTS.log"
  # its own session, so that nothing sent to this script reaches the embedded PostgreSQL directly
  setsid java -Xmx512m -jar "$BACKEND_JAR" --server.port="$PORT" --server.address=127.0.0.1 \
    --normlab.home="$HOME_DIR" \
    --normlab.queue.lease="${LEASE}s" --normlab.queue.reaper-interval=1s \
    --normlab.queue.claim-confirm="${CONFIRM}s" --normlab.queue.backoff-base=0s \
    >"$logfile" 2>&1 &
  BACKEND_PID=$!
  log "backend pid $BACKEND_PID starting (log $logfile)"
}

healthy() { curl -fsS --max-time 2 "$URL/actuator/health" 2>/dev/null | grep -q '"status":"UP"'; }

# waits for the backend to answer; prints the seconds it took
await_backend() {
  local t0; t0=$(now)
  local deadline=$((SECONDS + BACKEND_START_TIMEOUT))
  until healthy; do
    if ! kill -0 "$BACKEND_PID" 2>/dev/null; then
      log "the backend exited during start-up: see $LOGS/backend-$BACKEND_STARTS.log"
      return 1
    fi
    ((SECONDS < deadline)) || { log "the backend did not answer within ${BACKEND_START_TIMEOUT}s"; return 1; }
    sleep 0.5
  done
  since "$t0"
}

# start_worker NAME [WORK_DIR]
start_worker() {
  local name="$1" work="${2:-$DIR/workers/$1}"
  mkdir -p "$work"
  # user.home: the token cache (~/.normlab/cache) stays inside this suite's folder
  java -Xmx1g -Duser.home="$DIR" -Dai.djl.offline=true -jar "$WORKER_JAR" agent --backend "$URL" \
    --token-file "$HOME_DIR/worker-token" --device cpu --threads 1 --claim-wait 5 --name "$name" \
    --work-dir "$work" --data-root "$DIR/data" >>"$LOGS/worker-$name.log" 2>&1 &
  WORKER_PIDS[$name]=$!
  log "worker $name pid $! started (work dir $work)"
}

# await_polling NAME: until the worker's engine is up and it long-polls (bounded)
await_polling() {
  local waited=0
  until grep -q 'polling for runs' "$LOGS/worker-$1.log" 2>/dev/null || ((waited >= 240)); do
    sleep 0.5; waited=$((waited + 1))
  done
}

# stop_worker NAME SIGNAL: sends it and waits (bounded) for the process to end
stop_worker() {
  local name="$1" signal="$2" pid="${WORKER_PIDS[$1]:-}"
  [[ -n "$pid" ]] || return 0
  kill -"$signal" "$pid" 2>/dev/null || true
  local waited=0
  while kill -0 "$pid" 2>/dev/null && ((waited < 180)); do sleep 0.5; waited=$((waited + 1)); done
  if kill -0 "$pid" 2>/dev/null; then
    log "worker $name did not exit within 90 s of SIG$signal: SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
  unset "WORKER_PIDS[$name]"
}

postmaster_pid() {
  local file="$HOME_DIR/postgres/postmaster.pid"
  [[ -f "$file" ]] && head -n 1 "$file" | tr -d '[:space:]'
}

pg_bin() {
  local pid; pid="$(postmaster_pid)"
  [[ -n "$pid" ]] && dirname "$(readlink "/proc/$pid/exe")"
}

# pg_ctl BIN_DIR ARGS...: as the backend runs it: under `unshare -U` when root (PostgreSQL refuses to run as root)
pg_ctl() {
  local bin="$1"; shift
  if [[ "$(id -u)" == 0 ]] && command -v unshare >/dev/null; then
    unshare -U "$bin/pg_ctl" "$@"
  else
    "$bin/pg_ctl" "$@"
  fi
}

cleanup() {
  local code=$?
  set +e
  for name in "${!WORKER_PIDS[@]}"; do
    kill -KILL "${WORKER_PIDS[$name]}" 2>/dev/null
    kill -CONT "${WORKER_PIDS[$name]}" 2>/dev/null
  done
  if [[ -n "$BACKEND_PID" ]] && kill -0 "$BACKEND_PID" 2>/dev/null; then
    kill -TERM "$BACKEND_PID"
    for _ in $(seq 60); do kill -0 "$BACKEND_PID" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$BACKEND_PID" 2>/dev/null
  fi
  # a PostgreSQL left by a killed backend: stop it, never leave one behind
  local pg; pg="$(postmaster_pid)"
  if [[ -n "$pg" ]] && kill -0 "$pg" 2>/dev/null; then
    kill -TERM "$pg"
    for _ in $(seq 120); do kill -0 "$pg" 2>/dev/null || break; sleep 0.5; done
  fi
  [[ -n "$TMPFS" ]] && umount "$TMPFS" 2>/dev/null
  if [[ "$KEEP" == false && "$code" == 0 && "${ALL_SURVIVED:-false}" == true ]]; then
    rm -rf "$DIR"
  else
    echo "fault-suite: logs and data kept in $DIR" >&2
  fi
  exit "$code"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- API ---------------------------------------------------------------------------------------------------------

admin() { tr -d '[:space:]' <"$HOME_DIR/admin-token"; }

# api METHOD PATH [BODY]: prints the body; fails on no answer (not on a 4xx)
api() {
  curl -sS --max-time 10 -X "$1" "$URL$2" -H "Authorization: Bearer $(admin)" -H 'Content-Type: application/json' \
    ${3:+--data-binary "$3"}
}

run_json() { api GET "/api/v1/runs/$1" 2>/dev/null || true; }
run_field() { run_json "$1" | jq -r ".$2 // empty" 2>/dev/null || true; }

# submit NAME [STEPS]: the suite's small run; prints its id
submit() {
  local spec
  spec=$(jq -nc --arg name "$1" --argjson steps "${2:-$STEPS}" --argjson ck "$CHECKPOINT_EVERY" \
    '{project: "default", name: $name, tags: ["fault-suite"], model: {preset: "nano"},
      optimizer: {name: "sinkgd", lr: 0.005}, tokenizer: "byte", seqLen: 64, batchSize: 4, steps: $steps,
      evalEvery: 0, checkpointEvery: $ck, device: "cpu", seed: 42}')
  api POST /api/v1/runs "$spec" | jq -r .id
}

# last stored train_loss step of a run (0 when none)
last_step() {
  api GET "/api/v1/runs/$1/metrics?keys=train_loss&maxPoints=10000" 2>/dev/null \
    | jq -r '[.series[]?.points[]?.step] | max // 0' 2>/dev/null || echo 0
}

# wait_step RUN STEP: until the stored curve reaches STEP (bounded)
wait_step() {
  local deadline=$((SECONDS + RUN_TIMEOUT)) step=0
  while ((SECONDS < deadline)); do
    step="$(last_step "$1")"
    ((${step:-0} >= $2)) && return 0
    [[ "$(run_field "$1" status)" =~ SUCCEEDED|FAILED|CANCELLED ]] && return 1
    sleep 1
  done
  return 1
}

# wait_checkpoint RUN STEP: until the backend holds a checkpoint at STEP or later
wait_checkpoint() {
  local deadline=$((SECONDS + RUN_TIMEOUT))
  while ((SECONDS < deadline)); do
    (($(run_field "$1" checkpoint.step || echo 0) >= $2)) 2>/dev/null && return 0
    [[ "$(run_field "$1" status)" =~ SUCCEEDED|FAILED|CANCELLED ]] && return 1
    sleep 1
  done
  return 1
}

# wait_status RUN REGEX [TIMEOUT]
wait_status() {
  local deadline=$((SECONDS + ${3:-$RUN_TIMEOUT})) status=""
  while ((SECONDS < deadline)); do
    status="$(run_field "$1" status)"
    [[ "$status" =~ ^($2)$ ]] && return 0
    sleep 1
  done
  log "run $1: still '$status' after ${3:-$RUN_TIMEOUT}s (waiting for $2)"
  return 1
}

# wait_claimed RUN WORKER: until WORKER has claimed the run and confirmed the claim (heartbeat: RUNNING); prints
# the seconds it took
wait_claimed() {
  local t0; t0=$(now)
  local deadline=$((SECONDS + RUN_TIMEOUT))
  while ((SECONDS < deadline)); do
    if api GET "/api/v1/runs/$1/history" 2>/dev/null \
      | jq -e --arg w "$2" 'any(.[]; .event == "claimed" and .actor.name == $w)' >/dev/null 2>&1 \
      && [[ "$(run_field "$1" workerName)" == "$2" && "$(run_field "$1" status)" =~ RUNNING|SUCCEEDED ]]; then
      since "$t0"
      return 0
    fi
    sleep 0.5
  done
  echo "timeout"
  return 1
}

# --- the record of one fault -------------------------------------------------------------------------------------

declare -a ROWS=()
EXPECTED=""   # {key: [steps]} of the baseline run
ALL_SURVIVED=true

# record FAULT RUN DOWNTIME EXPECT_STATUS EXPECT_RETRIES NOTE [ERROR_REGEX]
#   EXPECT_RETRIES: infraFailures+codeFailures the fault may cost (0 unless the fault is the run's own worker)
#   ERROR_REGEX: the run's error must match it (a clear error)
record() {
  local fault="$1" id="$2" downtime="$3" want_status="$4" want_retries="$5" note="$6" want_error="${7:-}"
  local run metrics history
  run="$(run_json "$id")"
  metrics="$(api GET "/api/v1/runs/$id/metrics?maxPoints=10000")"
  history="$(api GET "/api/v1/runs/$id/history")"
  echo "$run" >"$LOGS/run-$id.json"
  echo "$metrics" >"$LOGS/metrics-$id.json"
  echo "$history" >"$LOGS/history-$id.json"
  local status infra code attempt error
  status="$(jq -r .status <<<"$run")"
  infra="$(jq -r .infraFailures <<<"$run")"
  code="$(jq -r .codeFailures <<<"$run")"
  attempt="$(jq -r .attempt <<<"$run")"
  error="$(jq -r '(.error // "") | split("\n")[0] // "" | .[0:300]' <<<"$run")"
  # stored points per key, their distinct steps; against the baseline's steps per key
  local stored sampled lost dup extra onepoint
  stored="$(jq -c '[.series[] | {key, sampled, steps: [.points[].step]}]' <<<"$metrics")"
  sampled="$(jq '[.[] | select(.sampled)] | length' <<<"$stored")"
  dup="$(jq '[.[] | (.steps | length) - (.steps | unique | length)] | add // 0' <<<"$stored")"
  # the baseline's steps per key, for a run of this many steps: per-step keys 1..n, the others (eval at 0 and at
  # the end) with the baseline's last step moved to n
  local n exp
  n="$(jq .spec.steps <<<"$run")"
  exp="$(jq -c --argjson s "$STEPS" --argjson n "$n" \
    'map_values(if . == [range(1; $s + 1)] then [range(1; $n + 1)] else map(if . == $s then $n else . end) end)' \
    <<<"$EXPECTED")"
  if [[ "$want_status" == SUCCEEDED ]]; then
    lost="$(jq --argjson exp "$exp" '
      (map({(.key): .steps}) | add // {}) as $got
      | [$exp | to_entries[] | (.value - ($got[.key] // [])) | length] | add // 0' <<<"$stored")"
    extra="$(jq --argjson exp "$exp" '[.[] | (.steps - ($exp[.key] // [])) | length] | add // 0' <<<"$stored")"
    onepoint="$(jq --argjson n "$n" '[.[] | select(.key == "train_loss") | .steps | sort == [range(1; $n + 1)]] | all' <<<"$stored")"
  else
    lost="n/a"; extra="$(jq '[.[] | .steps | length] | add // 0' <<<"$stored")"; onepoint="n/a"
  fi
  local events
  events="$(jq -r '[.[] | select(.event != "checkpointed")
      | .event + (if .actor.kind == "WORKER" then "(" + .actor.name + ")" else "" end)] | join(" → ")' <<<"$history")"
  local retries=$((infra + code))
  local survived=yes
  [[ "$status" == "$want_status" ]] || survived="NO (status $status)"
  if [[ "$survived" == yes && "$want_status" == SUCCEEDED ]]; then
    { [[ "$lost" == 0 && "$dup" == 0 && "$extra" == 0 && "$onepoint" == true && "$sampled" == 0 ]]; } \
      || survived="NO (points)"
  fi
  if [[ "$survived" == yes && -n "$want_error" ]] && ! grep -Eq "$want_error" <<<"$error"; then
    survived="NO (unclear error)"
  fi
  [[ "$survived" == yes ]] || ALL_SURVIVED=false
  # retries over the goal are recorded apart from survival, and fail the suite too
  local over=""
  if ((retries > want_retries)); then over=" **over the goal**"; ALL_SURVIVED=false; fi
  local extra_note=""
  [[ -n "$error" ]] && extra_note=" error: \`$error\`"
  ROWS+=("| $fault | $id | **$survived** | $downtime | $lost | $dup | $infra / $code (goal ≤ $want_retries)$over | $status, attempt $attempt | $events | $note$extra_note |")
  log "fault '$fault' run $id: $survived, downtime $downtime s, lost $lost, dup $dup (extra $extra), retries $infra/$code, $status"
}

wanted() { [[ -z "$ONLY" || ",$ONLY," == *",$1,"* ]]; }

# --- the suite ---------------------------------------------------------------------------------------------------

log "fault suite in $DIR: backend on $URL, lease ${LEASE}s, claim-confirm ${CONFIRM}s, $STEPS steps per run"
log "load before: $(uptime)"
SUITE_T0=$(now)
start_backend
log "backend up after $(await_backend) s"

# 0. baseline: no fault; its stored steps per key are what every surviving run must have
start_worker w0
id="$(submit baseline)"
wait_status "$id" 'SUCCEEDED|FAILED|CANCELLED' || true
EXPECTED="$(api GET "/api/v1/runs/$id/metrics?maxPoints=10000" | jq -c '[.series[] | {(.key): [.points[].step]}] | add // {}')"
log "baseline keys and points: $(jq -c 'map_values(length)' <<<"$EXPECTED")"
record "0. none (baseline)" "$id" "-" SUCCEEDED 0 "expected points per key come from this run"
stop_worker w0 TERM

# 1. SIGKILL of the worker mid-run; the restarted worker resumes from the checkpoint
if wanted 1; then
  start_worker w1
  id="$(submit kill-worker)"
  wait_checkpoint "$id" $((CHECKPOINT_EVERY * 2)) && wait_step "$id" $((CHECKPOINT_EVERY * 2 + 7)) || true
  t0=$(now)
  log "run $id at step $(last_step "$id"): SIGKILL worker w1"
  stop_worker w1 KILL
  start_worker w1b
  down="$(wait_claimed "$id" w1b || true)"
  wait_status "$id" 'SUCCEEDED|FAILED|CANCELLED' || true
  record "1. SIGKILL worker mid-run" "$id" "$down" SUCCEEDED 1 \
    "restarted worker; lease ${LEASE}s must expire first (a dead worker costs an infra retry by design)"
  stop_worker w1b TERM
fi

# 2. SIGTERM of the worker mid-run: checkpoint, release, no retry; the next agent resumes
if wanted 2; then
  start_worker w2
  id="$(submit term-worker)"
  wait_step "$id" $((CHECKPOINT_EVERY + 13)) || true
  t0=$(now)
  log "run $id at step $(last_step "$id"): SIGTERM worker w2"
  stop_worker w2 TERM
  log "w2 exited after $(since "$t0") s; run $id is $(run_field "$id" status)"
  start_worker w2b
  wait_claimed "$id" w2b >/dev/null || true
  down="$(since "$t0")"
  wait_status "$id" 'SUCCEEDED|FAILED|CANCELLED' || true
  record "2. SIGTERM worker mid-run" "$id" "$down" SUCCEEDED 0 "includes the next agent's JVM start"
  stop_worker w2b TERM
fi

# 3. SIGKILL of the backend mid-ingest, restarted at once (3) or after an outage longer than the lease (3b); the
# worker's metric sink and heartbeats retry; the restarted backend must not count the outage against the worker
kill_backend() {
  local id="$1" fault="$2" outage="$3"
  wait_step "$id" $((CHECKPOINT_EVERY + 7)) || true
  local t0; t0=$(now)
  log "run $id at step $(last_step "$id"): SIGKILL backend $BACKEND_PID (postgres $(postmaster_pid)), restart after ${outage}s"
  kill -KILL "$BACKEND_PID"
  wait "$BACKEND_PID" 2>/dev/null || true
  sleep "$outage"
  start_backend
  await_backend >/dev/null || true
  local down; down="$(since "$t0")"
  log "backend answers again after $down s"
  wait_status "$id" 'SUCCEEDED|FAILED|CANCELLED' || true
  record "$fault" "$id" "$down" SUCCEEDED 0 "downtime = kill to healthy again"
}
if wanted 3; then
  start_worker w3
  await_polling w3
  kill_backend "$(submit kill-backend $((STEPS * 2)))" "3. SIGKILL backend mid-ingest + restart at once" 0
  kill_backend "$(submit kill-backend-long $((STEPS * 4)))" \
    "3b. SIGKILL backend, down longer than the lease ($((LEASE + 5)) s), restart" $((LEASE + 5))
  stop_worker w3 TERM
fi

# 4. a disconnected claim: a long poll whose client is killed, then a submit; the confirm window returns the run
if wanted 4; then
  worker_token="$(tr -d '[:space:]' <"$HOME_DIR/worker-token")"
  curl -sS --max-time 60 -X POST "$URL/api/v1/worker/claim" -H "Authorization: Bearer $worker_token" \
    -H 'Content-Type: application/json' \
    -d '{"workerName": "ghost", "deviceKind": "cpu", "deviceMemoryBytes": 8589934592, "waitSeconds": 25}' \
    >"$LOGS/ghost-claim.out" 2>&1 &
  ghost=$!
  sleep 2
  kill -KILL "$ghost"; wait "$ghost" 2>/dev/null || true
  log "ghost claim (curl pid $ghost) killed while waiting"
  t0=$(now)
  id="$(submit ghost-claim)"
  start_worker w4
  wait_claimed "$id" w4 >/dev/null || true
  down="$(since "$t0")"
  wait_status "$id" 'SUCCEEDED|FAILED|CANCELLED' || true
  record "4. disconnected claim, then submit" "$id" "$down" SUCCEEDED 0 \
    "downtime = submit to a live worker's claim (confirm window ${CONFIRM}s + worker start)"
  stop_worker w4 TERM
fi

# 5. a frozen worker: SIGSTOP past the lease, another worker takes the run over, SIGCONT: late calls get 409
if wanted 5; then
  start_worker w5
  await_polling w5
  id="$(submit frozen-worker $((STEPS * 3)))"
  wait_claimed "$id" w5 >/dev/null || true
  start_worker w5b   # idle and polling before w5 freezes, so it can take the run over
  await_polling w5b
  wait_checkpoint "$id" "$CHECKPOINT_EVERY" && wait_step "$id" $((CHECKPOINT_EVERY + 7)) || true
  t0=$(now)
  log "run $id at step $(last_step "$id"): SIGSTOP worker w5"
  kill -STOP "${WORKER_PIDS[w5]}"
  down="$(wait_claimed "$id" w5b || true)"
  sleep 3
  log "run $id taken over after $down s: SIGCONT worker w5"
  kill -CONT "${WORKER_PIDS[w5]}"
  wait_status "$id" 'SUCCEEDED|FAILED|CANCELLED' || true
  sleep 3
  late409="$(grep -c -i 'lease lost\|409' "$LOGS/worker-w5.log" || true)"
  record "5. frozen worker (SIGSTOP > lease, SIGCONT)" "$id" "$down" SUCCEEDED 1 \
    "the frozen worker's log has $late409 lines on its lost lease / 409s"
  stop_worker w5 TERM
  stop_worker w5b TERM
fi

# 6. the database restarted under the backend: pg_ctl stop, then start on the same data directory and options
if wanted 6; then
  start_worker w6
  id="$(submit db-restart)"
  wait_step "$id" $((CHECKPOINT_EVERY + 7)) || true
  bin="$(pg_bin)"
  data="$HOME_DIR/postgres"
  # the options the embedded server was started with (port, fsync settings, ...): postmaster.opts
  opts="$(sed -E 's/^[^ ]+ //; s/"//g' "$data/postmaster.opts" | sed -E 's/ ?-D [^ ]+//')"
  t0=$(now)
  log "run $id at step $(last_step "$id"): pg_ctl stop (postgres $(postmaster_pid), options '$opts')"
  pg_ctl "$bin" -D "$data" -m fast -w stop >>"$LOGS/pg_ctl.log" 2>&1
  sleep 3
  pg_ctl "$bin" -D "$data" -o "$opts" -l "$LOGS/postgres-restarted.log" -w start >>"$LOGS/pg_ctl.log" 2>&1
  log "PostgreSQL restarted (postgres $(postmaster_pid)); the backend reconnects with the password in postgres-password"
  until api GET "/api/v1/runs/$id" >/dev/null 2>&1 && [[ -n "$(run_field "$id" status)" ]]; do
    (($(awk -v a="$t0" -v b="$(now)" 'BEGIN { print (b - a > 120) }'))) && break
    sleep 0.5
  done
  down="$(since "$t0")"
  log "the API answers again after $down s"
  wait_status "$id" 'SUCCEEDED|FAILED|CANCELLED' || true
  record "6. PostgreSQL restarted under the backend" "$id" "$down" SUCCEEDED 0 \
    "downtime = pg_ctl stop to the API answering again (3 s stopped)"
  stop_worker w6 TERM
fi

# 7. a full disk for the worker's checkpoint folder: the worker reports its own failure (WORKER, no code retry,
#    one infrastructure retry like a worker that dies), stops taking runs, and a healthy worker finishes the run
if wanted 7; then
  if [[ "$(id -u)" == 0 ]]; then
    TMPFS="$DIR/full-disk"
    mkdir -p "$TMPFS"
    mount -t tmpfs -o size=1m tmpfs "$TMPFS"
    start_worker w7 "$TMPFS"
    await_polling w7
    t0=$(now)
    id="$(submit full-disk)"
    # the full worker fails the run and exits on its own (exit code 3), with a clear line in its log
    waited=0
    while kill -0 "${WORKER_PIDS[w7]}" 2>/dev/null && ((waited < 600)); do sleep 0.5; waited=$((waited + 1)); done
    w7_exit="still running"
    if ! kill -0 "${WORKER_PIDS[w7]}" 2>/dev/null; then
      w7_code=0; wait "${WORKER_PIDS[w7]}" || w7_code=$?; w7_exit="exit $w7_code"
    fi
    log "full-disk worker: $w7_exit; run $id is $(run_field "$id" status)"
    stop_worker w7 TERM
    umount "$TMPFS" && TMPFS=""
    start_worker w7b
    wait_status "$id" 'SUCCEEDED|FAILED|CANCELLED' || true
    down="$(since "$t0")"
    note="downtime = submit to SUCCEEDED on the healthy worker; the full worker: $w7_exit"
    grep -q 'No space left on device' "$LOGS/worker-w7.log" || note="$note; **no 'No space left on device' in its log**"
    record "7. full disk (1 MiB tmpfs work dir), then a healthy worker" "$id" "$down" SUCCEEDED 1 "$note"
    stop_worker w7b TERM
  else
    ROWS+=("| 7. full disk | - | skipped (needs root for a tmpfs) | | | | | | | |")
  fi
fi

log "suite took $(since "$SUITE_T0") s; load after: $(uptime)"
{
  echo "| fault | run | survived | downtime s | points lost | points duplicated | retries infra / code | end | history (checkpoints left out) | notes |"
  echo "|---|---:|---|---:|---:|---:|---|---|---|---|"
  printf '%s\n' "${ROWS[@]}"
} | tee "$TABLE"
$ALL_SURVIVED || { echo "fault-suite: not every fault was survived (logs in $DIR)" >&2; exit 1; }
