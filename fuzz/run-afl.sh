#!/usr/bin/env bash
# Fuzzes Obs.Minidump with AFL++ through SharpFuzz (see fuzz/README.md).
# Usage: fuzz/run-afl.sh [SECONDS]   (default 1800; 0 = until stopped)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-1800}

command -v afl-fuzz >/dev/null || { echo "afl-fuzz not found: apt-get install afl++" >&2; exit 1; }
export PATH="$PATH:$HOME/.dotnet/tools"
command -v sharpfuzz >/dev/null || dotnet tool install --global SharpFuzz.CommandLine --version 2.3.0

out=fuzz/out/Obs.Minidump.Fuzz
rm -rf "$out"
dotnet publish fuzz/Obs.Minidump.Fuzz -c Release -o "$out" --nologo -v quiet
# Instrument only the library under test: coverage of the harness and the runtime is noise.
sharpfuzz "$out/Obs.Minidump.dll"

corpus=fuzz/findings/corpus
mkdir -p "$corpus"
# Seeds: every fixture dump AFL accepts (it rejects inputs over 1 MB).
find tests/fixtures -name '*.dmp' -size -1000k -exec cp {} "$corpus/" \;

export AFL_SKIP_BIN_CHECK=1           # the target is `dotnet`, not an instrumented ELF
export AFL_NO_UI=1
export AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1
export AFL_SKIP_CPUFREQ=1
export AFL_AUTORESUME=1               # a second run continues from the previous queue
timeout_args=()
[ "$seconds" != 0 ] && timeout_args=(-V "$seconds")
exec afl-fuzz "${timeout_args[@]}" -i "$corpus" -o fuzz/findings/afl -t 5000 -m none \
  -- dotnet "$out/Obs.Minidump.Fuzz.dll"
