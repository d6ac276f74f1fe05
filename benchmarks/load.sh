#!/usr/bin/env bash
# The postal server throughput table of docs/performance.md: a real server (both endpoints over
# TLS on loopback) and the SDK clients in one JVM, closed loop, on H2 and on PostgreSQL.
# Build first: mvn -B -ntp -q install -DskipTests
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=benchmarks/target/benchmarks.jar
PG="--jdbc jdbc:postgresql://127.0.0.1:5432/test --jdbc-user postgres"
run() { java -cp "$JAR" org.openpostage.benchmarks.load.LoadDriver --seconds 20 --warmup 5 "$@" 2>/dev/null | grep '^|'; }

echo "| transport | database | output | clients | meters | purchases/s | p50 ms | p95 ms | p99 ms | max ms | errors | ledger check |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
for t in xml grpc; do
  run --transport "$t" --clients 16 --meters 4
done
run --transport grpc --clients 16 --meters 1
run --transport grpc --clients 16 --meters 4 --print png
if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  for t in xml grpc; do
    # shellcheck disable=SC2086
    run --transport "$t" --clients 16 --meters 4 $PG
  done
fi
