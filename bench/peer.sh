#!/usr/bin/env bash
# Side by side with @neo4j/graphql (issue 8): the whole comparison in one command, from
# the repository root (`make bench-peer` runs it with the bench Neo4j's settings).
#
#   bench/peer.sh [LABEL]        results in bench/results/peer/LABEL/ (default: date-time)
#
# It copies the harness ($PEER_DIR, ../shared/peer) into .data/peer when missing and runs
# `npm ci` there once; starts the bench Neo4j unless it runs (and then stops it at the end);
# seeds the full-scale graph when the bench graph lacks it; starts `fupin serve` (:API_PORT)
# and the peer (:PEER_PORT) in the background, one process each; waits for both; runs the
# harness's run.sh (verify, then the timed phases, then the tables); stops both servers.
#
# Env (default):
#   PEER_DIR           the harness to copy (../shared/peer)
#   PEER_WORK          the working copy (.data/peer); delete it to copy afresh
#   PEER_PORT          the peer's port (4000)
#   OUT                the results (bench/results/peer, git-ignored)
#   FUPIN_SERVE_ARGS   extra arguments for `fupin serve`, e.g. "--workers 2" (none)
#   BENCH_HOUSEHOLDS   households to seed when the graph is missing (152000, seed 1)
#   FUPIN_NEO4J_PORT (7694), FUPIN_NEO4J_HOME (.data/neo4j-bench), FUPIN_NEO4J_HEAP_MB and
#   FUPIN_NEO4J_PAGECACHE_MB (4096), API_PORT (8094): the Makefile's BENCH_ENV
#   run.sh's own settings pass through: ROUNDS, SECONDS_EACH, PHASES, COUNTY, SAMPLES, ...
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PYTHONDONTWRITEBYTECODE=1
export FUPIN_NEO4J_PORT=${FUPIN_NEO4J_PORT:-7694} FUPIN_NEO4J_HOME=${FUPIN_NEO4J_HOME:-.data/neo4j-bench} \
       FUPIN_NEO4J_HEAP_MB=${FUPIN_NEO4J_HEAP_MB:-4096} FUPIN_NEO4J_PAGECACHE_MB=${FUPIN_NEO4J_PAGECACHE_MB:-4096} \
       API_PORT=${API_PORT:-8094}
label=${1:-$(date +%Y%m%d-%H%M%S)}
src=${PEER_DIR:-../shared/peer}
work=${PEER_WORK:-.data/peer}
peer_port=${PEER_PORT:-4000}
bin=.venv/bin
logs=${OUT:-bench/results/peer}/$label
say() { echo "== peer.sh: $*" >&2; }
die() { say "$*"; exit 1; }

[[ -x $bin/fupin ]] || die "no $bin/fupin: run make install first"
command -v wrk > /dev/null || die "wrk not found: apt-get install -y wrk"
command -v node > /dev/null || die "node not found (Node 20+)"
if [[ ! -f $work/run.sh ]]; then
  [[ -f $src/run.sh ]] || die "no harness at $src (set PEER_DIR)"
  say "copying $src to $work"
  mkdir -p "$(dirname "$work")" && cp -r "$src" "$work" && chmod -R u+w "$work"
fi
if [[ ! -d $work/node_modules ]]; then
  say "npm ci in $work"
  (cd "$work" && npm ci --no-audit --no-fund)
fi
mkdir -p "$logs"

# Anything already answering on a port would be measured in place of ours.
for port in "$API_PORT" "$peer_port"; do
  if (exec 3<> "/dev/tcp/127.0.0.1/$port") 2> /dev/null; then
    die "port $port is already in use: stop what listens there first"
  fi
done

fupin_pid="" peer_pid="" stop_neo4j=0
cleanup() {
  for pid in $fupin_pid $peer_pid; do kill "$pid" 2> /dev/null || true; done
  for pid in $fupin_pid $peer_pid; do wait "$pid" 2> /dev/null || true; done
  if (( stop_neo4j )); then "$bin/fupin" neo4j stop || true; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if ! "$bin/fupin" neo4j status > /dev/null 2>&1; then
  stop_neo4j=1
  "$bin/fupin" neo4j start
fi
"$bin/fupin" db migrate

# One reading of the project's settings (.env included) for the peer: the same database
# and the same token secret, issuer and audience.
conf=$("$bin/python" -c 'from api.settings import load_settings as l; s = l()
print("\n".join([s.bolt_uri, s.neo4j_user, s.neo4j_password.get_secret_value(), s.neo4j_database,
                 s.jwt_secret.get_secret_value(), s.jwt_issuer, s.jwt_audience]))')
{ read -r neo4j_uri; read -r neo4j_user; read -r neo4j_password; read -r neo4j_database
  read -r jwt_secret; read -r jwt_issuer; read -r jwt_audience; } <<< "$conf"

# run.sh's household (HOUSEHOLD) is in the seed-1 full-scale graph; seed it when missing.
household=${HOUSEHOLD:-4690301002120011}
seeded=$(NEO4J_PASSWORD=$neo4j_password "$bin/python" - "$neo4j_uri" "$neo4j_user" "$neo4j_database" "$household" <<'EOF'
import os, sys
from neo4j import GraphDatabase
uri, user, database, code = sys.argv[1:]
with GraphDatabase.driver(uri, auth=(user, os.environ["NEO4J_PASSWORD"])) as driver:
    records, _, _ = driver.execute_query(
        "MATCH (h:Household {code: $code}) RETURN count(h) AS n", code=code, database_=database)
print(records[0]["n"])
EOF
)
if [[ $seeded == 0 ]]; then
  say "household $household is not in the bench graph: seeding ${BENCH_HOUSEHOLDS:-152000} households"
  "$bin/python" -m bench.seed --households "${BENCH_HOUSEHOLDS:-152000}" --seed 1
fi

# shellcheck disable=SC2086 # FUPIN_SERVE_ARGS is a list of arguments
"$bin/fupin" serve ${FUPIN_SERVE_ARGS:-} > "$logs/fupin-serve.log" 2>&1 < /dev/null &
fupin_pid=$!
NEO4J_URI=$neo4j_uri NEO4J_USER=$neo4j_user NEO4J_PASSWORD=$neo4j_password NEO4J_DATABASE=$neo4j_database \
  PORT=$peer_port NEO4J_POOL_SIZE=50 JWT_SECRET=$jwt_secret JWT_ISSUER=$jwt_issuer JWT_AUDIENCE=$jwt_audience \
  node "$work/server.mjs" > "$logs/peer-server.log" 2>&1 < /dev/null &
peer_pid=$!

wait_for() {  # name pid log probe...
  local name=$1 pid=$2 log=$3; shift 3
  for _ in $(seq 120); do
    "$@" > /dev/null 2>&1 && return 0
    kill -0 "$pid" 2> /dev/null || { tail -20 "$log" >&2; die "$name exited (log: $log)"; }
    sleep 0.5
  done
  tail -20 "$log" >&2
  die "$name did not answer in 60 s (log: $log)"
}
wait_for "fupin serve" "$fupin_pid" "$logs/fupin-serve.log" curl -sf "http://127.0.0.1:$API_PORT/healthz"
wait_for "the peer" "$peer_pid" "$logs/peer-server.log" bash -c "exec 3<> /dev/tcp/127.0.0.1/$peer_port"
say "fupin serve ${FUPIN_SERVE_ARGS:-}(pid $fupin_pid, :$API_PORT) and the peer (pid $peer_pid, :$peer_port) are up"

FUPIN_URL=http://127.0.0.1:$API_PORT/graphql PEER_URL=http://127.0.0.1:$peer_port/ \
  FUPIN_PID=$fupin_pid PEER_PID=$peer_pid "$work/run.sh" "$label"
