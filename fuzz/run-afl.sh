#!/usr/bin/env bash
# Fuzzes with AFL++ through SharpFuzz (see fuzz/README.md).
# Usage: fuzz/run-afl.sh [TARGET] [SECONDS]
#   TARGET: minidump (default), sym-text (the .sym parser) or sym-index (opening a saved index)
#   SECONDS: default 1800; 0 = until stopped
set -euo pipefail
cd "$(dirname "$0")/.."
target=minidump
if [[ $# -gt 0 && ! "$1" =~ ^[0-9]+$ ]]; then
  target=$1
  shift
fi
seconds=${1:-1800}

command -v afl-fuzz >/dev/null || { echo "afl-fuzz not found: apt-get install afl++" >&2; exit 1; }
export PATH="$PATH:$HOME/.dotnet/tools"
command -v sharpfuzz >/dev/null || dotnet tool install --global SharpFuzz.CommandLine --version 2.3.0

corpus=fuzz/findings/corpus-$target
findings=fuzz/findings/afl-$target
case "$target" in
  minidump)
    project=Obs.Minidump.Fuzz; library=Obs.Minidump.dll; mode=()
    corpus=fuzz/findings/corpus; findings=fuzz/findings/afl
    ;;
  sym-text)
    project=Obs.SymbolFiles.Fuzz; library=Obs.SymbolFiles.dll; mode=(text)
    ;;
  sym-index)
    project=Obs.SymbolFiles.Fuzz; library=Obs.SymbolFiles.dll; mode=(index)
    ;;
  *)
    echo "unknown target '$target': minidump, sym-text or sym-index" >&2; exit 2
    ;;
esac

out=fuzz/out/$project
rm -rf "$out"
dotnet publish "fuzz/$project" -c Release -o "$out" --nologo -v quiet
mkdir -p "$corpus"
# Seeds AFL accepts (it rejects inputs over 1 MB).
case "$target" in
  minidump) find tests/fixtures -name '*.dmp' -size -1000k -exec cp {} "$corpus/" \; ;;
  sym-text) find tests/fixtures -name '*.sym' -size -100k -exec cp {} "$corpus/" \; ;;
  sym-index) dotnet "$out/$project.dll" save-seeds "$corpus" tests/fixtures ;;
esac

# Instrument only the library under test: coverage of the harness and the runtime is noise.
# (After the seeds: instrumented code runs only under the fuzzer, which sets up its coverage map.)
sharpfuzz "$out/$library"

export AFL_SKIP_BIN_CHECK=1           # the target is `dotnet`, not an instrumented ELF
export AFL_NO_UI=1
export AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1
export AFL_SKIP_CPUFREQ=1
export AFL_AUTORESUME=1               # a second run continues from the previous queue
timeout_args=()
[ "$seconds" != 0 ] && timeout_args=(-V "$seconds")
exec afl-fuzz "${timeout_args[@]}" -i "$corpus" -o "$findings" -t 5000 -m none \
  -- dotnet "$out/$project.dll" "${mode[@]}"
