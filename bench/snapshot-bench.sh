#!/usr/bin/env bash
# Cold start against CRIU restore for the Java and .NET snapshot runtimes (docs/snapshots.md).
# Runs the Slow benchmark test tests/Fgs.Snapshot.Tests/Bench/SnapshotBenchmark.cs and writes
# bench/results/snapshot-DATE.md. Needs root and a working CRIU (invoker/scripts/install-criu.sh).
#   FGS_SNAPSHOT_BENCH_RUNS  runs per runtime (default 10)
set -euo pipefail
cd "$(dirname "$0")/.."
date="$(date -u +%Y-%m-%d)"
out="bench/results/snapshot-$date.md"
runs="${FGS_SNAPSHOT_BENCH_RUNS:-10}"
tables="$(mktemp)"
trap 'rm -f "$tables"' EXIT
dotnet build Core.sln -c Release >/dev/null
FGS_SNAPSHOT_BENCH_RUNS="$runs" FGS_SNAPSHOT_BENCH_OUT="$tables" \
  dotnet test --project tests/Fgs.Snapshot.Tests -c Release --no-build -- \
  --filter-class Fgs.Snapshot.Tests.Bench.SnapshotBenchmark >&2
{
  echo "# Snapshot restore against cold start, $date"
  echo
  echo "## Command"
  echo
  echo '```'
  echo "FGS_SNAPSHOT_BENCH_RUNS=$runs bench/snapshot-bench.sh"
  echo '```'
  echo
  echo "## Machine"
  echo
  echo "- \`nproc\`: $(nproc); kernel $(uname -r)"
  echo "- $(java -version 2>&1 | head -1); .NET $(dotnet --version)"
  echo
  echo "## Results"
  echo
  cat "$tables"
} > "$out"
echo "wrote $out" >&2
