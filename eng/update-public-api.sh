#!/usr/bin/env bash
# Adds every public symbol the build reports as undeclared (RS0016) to src/Losses/PublicAPI.Unshipped.txt,
# so that a change of the public surface shows up as a diff of that file. Review the diff before committing.
# On a release, move the Unshipped lines into PublicAPI.Shipped.txt.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
unshipped="$root/src/Losses/PublicAPI.Unshipped.txt"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
dotnet build "$root/src/Losses/Losses.csproj" -c Release -f net10.0 --no-incremental \
    -p:TreatWarningsAsErrors=false -p:WarningsAsErrors= >"$log" 2>&1 || true
{
    grep -v '^#nullable' "$unshipped" || true
    grep -oP "RS0016: Symbol '\K.*(?=' is not part of the declared public API)" "$log" || true
} | sort -u | { echo '#nullable enable'; grep -v '^$' || true; } >"$unshipped.new"
mv "$unshipped.new" "$unshipped"
echo "$(($(wc -l <"$unshipped") - 1)) entries in ${unshipped#"$root"/}"
