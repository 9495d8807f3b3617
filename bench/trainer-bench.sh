#!/bin/sh
# Builds the worker jar and runs a benchmark grid through the Java trainer (and the PyTorch yardstick), then
# prints the markdown table. Usage (from anywhere):
#   bench/trainer-bench.sh GRID.json OUT_DIR [ENGINES=java,torch] [extra table args, e.g. --target-from adamw]
# Long grids: nohup bench/trainer-bench.sh bench/grids/convergence-byte.json /tmp/nb/conv-byte > /tmp/nb/conv-byte.log 2>&1 &
set -eu
cd "$(dirname "$0")/.."
grid=$1; out=$2; engines=${3:-java,torch}
[ $# -ge 3 ] && shift 3 || shift $#
if echo "$engines" | grep -q java && [ -z "${SKIP_BUILD:-}" ]; then
  ./mvnw -q -B -pl worker -am -DskipTests package
fi
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(java -version 2>&1 | head -1); start $(date -u)"
/usr/bin/python3 bench/trainer_bench.py run "$grid" --out "$out" --engines "$engines" --threads "${THREADS:-2}" --parallel "${PARALLEL:-1}"
echo "end $(date -u)"
/usr/bin/python3 bench/trainer_bench.py table "$out" "$@"
