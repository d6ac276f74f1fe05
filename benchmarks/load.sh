#!/usr/bin/env bash
# docs/performance.md, "Purchases, batches and the load driver": the load driver with the server in a
# separate JVM, on H2 over both transports and (where 127.0.0.1:5432 answers) on PostgreSQL, each run
# measuring the cheapest authenticated call (quote), single purchases and batches of 500 back to back,
# and on PostgreSQL the one-row-update commit ceiling. Results as JSON in benchmarks/target/load/.
# Build first: mvn -B -ntp -q -pl benchmarks -am package -DskipTests
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=benchmarks/target/benchmarks.jar
OUT=benchmarks/target/load
mkdir -p "$OUT"
SERVER_JVM="${SERVER_JVM:--Xmx192m -XX:+UseSerialGC -Xss512k}"
run() { java -cp "$JAR" org.openpostage.benchmarks.load.LoadDriver --server process --server-jvm "$SERVER_JVM" \
          --clients 16 --meters 4 --seconds 30 "$@" 2>>"$OUT/driver.log"; }
for t in grpc xml; do
  run --transport "$t" --json "$OUT/h2-$t.json"
done
if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  run --transport grpc --jdbc jdbc:postgresql://127.0.0.1:5432/test --jdbc-user postgres --pool 20 --json "$OUT/pg-grpc.json"
fi
