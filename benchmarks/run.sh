#!/usr/bin/env bash
# Runs the benchmarks with the settings BENCHMARKS.md reports, or all of them once, quickly,
# with --smoke. Build the jar first:
#
#   ./mvnw -pl benchmarks -am -DskipTests package
#   benchmarks/run.sh            # full run, about 25 minutes on 2 cores
#   benchmarks/run.sh --smoke    # every benchmark and load script once, about 3 minutes
#
# Results (text, and JSON for the JMH runs) go to benchmarks/target/results/. Every load
# script listens and connects on 127.0.0.1 only and stops by itself.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
JAR="${JAR:-benchmarks/target/benchmarks.jar}"
OUT="${OUT:-benchmarks/target/results}"
mkdir -p "$OUT"

if [ ! -f "$JAR" ]; then
  echo "No $JAR: run ./mvnw -pl benchmarks -am -DskipTests package first" >&2
  exit 1
fi

log() {
  echo "[bench] $(date -u +%H:%M:%S) load: $(cut -d' ' -f1-3 /proc/loadavg) - $*" | tee -a "$OUT/run.log"
}

if [ "${1:-}" = "--smoke" ]; then
  log "JMH smoke: every benchmark, 1 fork, 1 x 500 ms warmup, 1 x 500 ms measurement"
  java -jar "$JAR" -f 1 -wi 1 -w 500ms -i 1 -r 500ms | tee "$OUT/smoke-jmh.txt"
  log "SSE load smoke"
  java -cp "$JAR" io.graphstreaming.benchmarks.sse.SseLoadBenchmark --smoke | tee "$OUT/smoke-sse.txt"
  log "idle streams smoke"
  java -cp "$JAR" io.graphstreaming.benchmarks.sse.IdleStreamsLoad --smoke | tee "$OUT/smoke-idle.txt"
  log "slow consumer smoke"
  java -Xmx2g -cp "$JAR" io.graphstreaming.benchmarks.memory.SlowConsumerBacklog --smoke | tee "$OUT/smoke-backlog.txt"
  log "smoke done"
  exit 0
fi

log "(a) chain: ours, LangGraph4j, Spring AI Alibaba Graph (default and without saver), raw Reactor"
java -jar "$JAR" 'ChainStreamingBenchmark' -f 2 -wi 5 -w 2s -i 5 -r 2s -prof gc \
  -rf json -rff "$OUT/chain.json" | tee "$OUT/chain.txt"
log "(b) long run throughput"
java -jar "$JAR" 'LongRunThroughputBenchmark' -f 2 -wi 5 -w 2s -i 5 -r 2s -prof gc \
  -rf json -rff "$OUT/throughput.json" | tee "$OUT/throughput.txt"
log "event JSON (where SSE time goes)"
java -jar "$JAR" 'EventJsonBenchmark' -f 1 -wi 5 -w 1s -i 5 -r 1s -prof gc \
  -rf json -rff "$OUT/json.json" | tee "$OUT/json.txt"
log "(c) SSE over loopback"
java -cp "$JAR" io.graphstreaming.benchmarks.sse.SseLoadBenchmark | tee "$OUT/sse.txt"
log "(d) idle streams (one file descriptor per stream in each of the two processes; ulimit -n is $(ulimit -n))"
java -cp "$JAR" io.graphstreaming.benchmarks.sse.IdleStreamsLoad | tee "$OUT/idle.txt"
log "(e) slow consumer backlog"
java -Xmx2g -cp "$JAR" io.graphstreaming.benchmarks.memory.SlowConsumerBacklog | tee "$OUT/backlog.txt"
log "(e) slow consumer backlog with and without memory-mapped spill"
java -Xmx1g -cp "$JAR" io.graphstreaming.benchmarks.memory.SpilledBacklog | tee "$OUT/spill.txt"
log "event compression: ratio and MB/s of none, gzip, brotli"
java -jar "$JAR" 'CompressionBenchmark' -f 1 -wi 3 -w 1s -i 5 -r 1s \
  -rf json -rff "$OUT/compression.json" | tee "$OUT/compression.txt"
log "done"
