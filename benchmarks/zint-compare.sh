#!/usr/bin/env bash
# Wall-clock comparison of zint and our ZXing path drawing the same Data Matrix payloads to PNG,
# including process start-up, outside JMH. Usage (from the repository root, after building):
#   benchmarks/zint-compare.sh [N] [RUNS]      defaults: N=200 payloads, RUNS=5
# Prints, per case, the median / min / max wall time of RUNS runs and the median per symbol.
set -euo pipefail

N=${1:-200}
RUNS=${2:-5}
JAR=${JAR:-benchmarks/target/benchmarks.jar}
ZINT=${ZINT:-/usr/bin/zint}
JAVA=${JAVA:-java}
ZINT_ARGS=(-b 71 --binary --square --quietzones --scale=3)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

"$JAVA" -cp "$JAR" org.openpostage.benchmarks.DataMatrixBatch payloads "$WORK/n" "$N"
"$JAVA" -cp "$JAR" org.openpostage.benchmarks.DataMatrixBatch payloads "$WORK/one" 1

# Independent check: dmtxread decodes both tools' first symbol to the payload's exact bytes.
"$ZINT" "${ZINT_ARGS[@]}" --input="$WORK/one/payload-0.bin" -o "$WORK/one/zint-0.png"
"$JAVA" -cp "$JAR" org.openpostage.benchmarks.DataMatrixBatch render "$WORK/one" >/dev/null
if command -v dmtxread >/dev/null; then
  for png in "$WORK/one/zint-0.png" "$WORK/one/ours-0.png"; do
    dmtxread -N1 "$png" | cmp -s - "$WORK/one/payload-0.bin" || { echo "dmtxread: $png does not decode to the payload" >&2; exit 1; }
  done
fi

spawn_loop() { for ((i = 0; i < N; i++)); do /bin/true; done; }
zint_loop() { for ((i = 0; i < N; i++)); do "$ZINT" "${ZINT_ARGS[@]}" --input="$WORK/n/payload-$i.bin" -o "$WORK/z-$i.png"; done; }
zint_batch() { "$ZINT" "${ZINT_ARGS[@]}" --esc --batch --input="$WORK/n/batch.txt" -o "$WORK/b~~~~.png"; }
zint_batch_one() { "$ZINT" "${ZINT_ARGS[@]}" --esc --batch --input="$WORK/one/batch.txt" -o "$WORK/b1~.png"; }
java_batch() { "$JAVA" -cp "$JAR" org.openpostage.benchmarks.DataMatrixBatch render "$WORK/n" >/dev/null; }
java_batch_one() { "$JAVA" -cp "$JAR" org.openpostage.benchmarks.DataMatrixBatch render "$WORK/one" >/dev/null; }

# measure NAME SYMBOLS FUNCTION: RUNS timed runs, after one untimed run (page cache, file creation).
measure() {
  local name=$1 symbols=$2 fn=$3 times=() start end
  "$fn"
  for ((r = 0; r < RUNS; r++)); do
    start=${EPOCHREALTIME/./}; "$fn"; end=${EPOCHREALTIME/./} # microseconds, without starting a process
    times+=($((end - start)))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk -v name="$name" -v n="$symbols" '
    { t[NR] = $1 }
    END { med = t[int((NR + 1) / 2)];
          printf "%-34s %6d symbols  median %9.1f ms  min %9.1f  max %9.1f  per symbol %8.3f ms\n",
                 name, n, med / 1000, t[1] / 1000, t[NR] / 1000, med / 1000 / n }'
}

echo "zint $("$ZINT" --version | head -1 | awk '{print $3}'), $("$JAVA" -version 2>&1 | head -1), N=$N, RUNS=$RUNS"
measure "/bin/true, one process each" "$N" spawn_loop
measure "zint, one process per symbol" "$N" zint_loop
measure "zint --batch, one symbol" 1 zint_batch_one
measure "zint --batch, all symbols" "$N" zint_batch
measure "java (ours), cold JVM, one symbol" 1 java_batch_one
measure "java (ours), cold JVM, all symbols" "$N" java_batch
