#!/bin/sh
# GPU smoke test for a machine with an NVIDIA GPU: trains llama-60m for 200 steps with AdamW, SinkGD and SWAN, each in
# fp32 and bf16 (mixed precision), through worker/target/normlab-worker-gpu.jar, and prints one markdown table
# (tokens/s, peak device memory, optimizer-state bytes) to paste into docs/benchmarks.md. Usage (from anywhere):
#   bench/gpu-smoke.sh [OUT_DIR]        (default /tmp/normlab-gpu-smoke; STEPS=200, BATCH=32, SEQ=256 to change)
# Needs network on the first start (DJL downloads the CUDA libtorch 2.7.1 into ~/.djl.ai) unless PYTORCH_LIBRARY_PATH
# points at an installed one (docs/gpu.md). Refuses to run, having run nothing, where there is no GPU.
set -eu
cd "$(dirname "$0")/.."

if ! command -v nvidia-smi >/dev/null 2>&1; then
  echo "gpu-smoke: nvidia-smi is not on PATH: this smoke test needs a machine with an NVIDIA GPU and its driver;" \
       "nothing was run (CPU figures: bench/trainer-bench.sh)" >&2
  exit 2
fi
if ! nvidia-smi -L 2>/dev/null | grep -q '^GPU '; then
  echo "gpu-smoke: nvidia-smi lists no GPU (driver not loaded, or no device visible to this container:" \
       "NVIDIA container toolkit, --gpus, CUDA_VISIBLE_DEVICES); nothing was run" >&2
  exit 2
fi

out=${1:-/tmp/normlab-gpu-smoke}
steps=${STEPS:-200}; batch=${BATCH:-32}; seq=${SEQ:-256}
jar=worker/target/normlab-worker-gpu.jar
if [ ! -f "$jar" ] || [ -n "${REBUILD:-}" ]; then
  ./mvnw -q -B -pl worker -am -DskipTests package
fi
export PYTORCH_FLAVOR=${PYTORCH_FLAVOR:-cu128}
mkdir -p "$out"
nvidia-smi -L
# the engine self-check on the GPU: exit 2, saying which libtorch was loaded, when the engine sees no GPU
if ! java -jar "$jar" engine --device gpu > "$out/engine.txt"; then
  echo "gpu-smoke: the engine self-check failed on the GPU (message above); nothing was trained" >&2
  exit 2
fi
cat "$out/engine.txt"

for precision in fp32 bf16; do
  for optimizer in adamw sinkgd swan; do
    run="$out/$optimizer-$precision"
    mkdir -p "$run"
    # device gpu: the trainer itself refuses (INVALID_SPEC) a run that would not be on a GPU
    cat > "$run/spec.json" <<SPEC
{"name": "gpu-smoke $optimizer $precision", "model": {"preset": "llama-60m"}, "optimizer": {"name": "$optimizer"},
 "data": {"corpus": "europarl"}, "tokenizer": "byte", "seqLen": $seq, "batchSize": $batch, "steps": $steps,
 "evalEvery": 0, "evalBatches": 4, "device": "gpu", "precision": "$precision", "seed": 42}
SPEC
    echo "== $optimizer $precision"
    rm -f "$run/summary.json"
    java -jar "$jar" train --spec "$run/spec.json" --out "$run/out" --progress-every 30 > "$run/train.log" 2>&1 \
      || { echo "gpu-smoke: $optimizer $precision failed, last lines of $run/train.log:" >&2; tail -20 "$run/train.log" >&2; }
    if [ -f "$run/out/summary.json" ]; then cp "$run/out/summary.json" "$run/summary.json"; fi
  done
done

echo
echo "llama-60m, byte tokenizer, batch $batch x seq $seq, $steps steps; $(nvidia-smi --query-gpu=name,memory.total --format=csv,noheader | head -1)"
java -cp "$jar" bench/GpuSmokeTable.java "$out"/*-fp32 "$out"/*-bf16
