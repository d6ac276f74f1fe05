#!/usr/bin/env bash
# Runs the JMH benchmarks one at a time, each only when the machine is otherwise idle, for machines
# shared with builds and test suites. Before each benchmark it waits until the whole machine is
# below IDLE_PCT busy for two samples in a row; while the benchmark runs it samples total CPU use
# every 2 s; a benchmark during which the machine was busier than MAX_PCT on average (someone else
# was working) is run again, up to TRIES times, and the quietest attempt is kept.
# A single-threaded benchmark alone keeps one core busy: 50 to 55 % of a 2-core machine.
#
# Usage (from the repository root, after building):
#   benchmarks/run-quiet.sh OUT_DIR [BENCHMARK_REGEX...]      default: every benchmark
# Environment: JMH_OPTS (default "-f 1 -wi 3 -i 5 -w 2s -r 2s"), JAVA, IDLE_PCT (15), MAX_PCT (60),
# TRIES (3). Results: OUT_DIR/NAME.json and .txt per benchmark, OUT_DIR/summary.tsv (NAME and the
# machine's average busy percentage); run it again with the same OUT_DIR to resume.
set -euo pipefail

OUT=${1:?usage: run-quiet.sh OUT_DIR [BENCHMARK_REGEX...]}
shift
JAR=${JAR:-benchmarks/target/benchmarks.jar}
JAVA=${JAVA:-java}
JMH_OPTS=${JMH_OPTS:--f 1 -wi 3 -i 5 -w 2s -r 2s}
IDLE_PCT=${IDLE_PCT:-15}
MAX_PCT=${MAX_PCT:-60}
TRIES=${TRIES:-3}
mkdir -p "$OUT"

# Percentage of all CPUs busy over SECONDS.
busy() {
  local a b
  a=$(head -1 /proc/stat); sleep "$1"; b=$(head -1 /proc/stat)
  awk -v a="$a" -v b="$b" 'BEGIN { split(a, x); split(b, y); t = 0; i = 0;
    for (k = 2; k <= 9; k++) t += y[k] - x[k]; i = (y[5] - x[5]) + (y[6] - x[6]);
    printf "%d", (t > 0 ? 100 * (t - i) / t : 0) }'
}

wait_idle() {
  local quiet=0
  while ((quiet < 2)); do
    if (($(busy 3) < IDLE_PCT)); then quiet=$((quiet + 1)); else quiet=0; fi
  done
}

# run NAME JMH_ARGS...: one benchmark, retried while the machine was busy.
run() {
  local name=$1 try best=999 pct sampler
  shift
  [[ -f "$OUT/$name.json" ]] && return # done by an earlier, interrupted run
  for ((try = 1; try <= TRIES; try++)); do
    wait_idle
    (while true; do busy 2; echo; done) > "$OUT/$name.busy" &
    sampler=$!
    # shellcheck disable=SC2086
    "$JAVA" -jar "$JAR" $JMH_OPTS -rf json -rff "$OUT/$name.try.json" "$@" > "$OUT/$name.try.txt" 2>&1
    kill "$sampler"; wait "$sampler" 2>/dev/null || true
    # The first 4 s are the fork's start-up and JIT compilation, busy on both cores by themselves.
    pct=$(awk 'NF && ++k > 2 { s += $1; n++ } END { printf "%d", n ? s / n : 100 }' "$OUT/$name.busy")
    echo "$(date +%T) $name try $try: machine ${pct}% busy on average" >&2
    if ((pct < best)); then
      best=$pct
      mv "$OUT/$name.try.json" "$OUT/$name.json"; mv "$OUT/$name.try.txt" "$OUT/$name.txt"
    fi
    ((best <= MAX_PCT)) && break
  done
  rm -f "$OUT/$name.try.json" "$OUT/$name.try.txt"
  printf '%s\t%s\n' "$name" "$best" >> "$OUT/summary.tsv"
}

patterns=("$@")
((${#patterns[@]})) || patterns=(.)
for pattern in "${patterns[@]}"; do
  for bench in $("$JAVA" -jar "$JAR" -l "$pattern" | tail -n +2); do
    short=${bench#org.openpostage.benchmarks.}
    if [[ $short == SigningBenchmark.* ]]; then
      for alg in ECDSA_P256_SHA256 ED25519; do
        for provider in jdk bc; do
          run "$short-$alg-$provider" "^$bench\$" -p algorithm=$alg -p provider=$provider
        done
      done
    else
      run "$short" "^$bench\$"
    fi
  done
done
