#!/usr/bin/env bash
# Packs Losses into a local folder and proves the package the way a user meets it: a throwaway
# console project outside the solution references it by PackageReference, runs on .NET 10, and
# is published self-contained for net8.0 so the net8.0 assets run on the .NET 8 runtime itself.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

stamp=${CONSUMER_VERSION_SUFFIX:-ci.$(date -u +%Y%m%d%H%M%S)}
echo "== pack (version suffix $stamp)"
dotnet pack "$repo/src/Losses/Losses.csproj" -c Release --nologo -o "$work/feed" --version-suffix "$stamp"
package=$(ls "$work/feed"/Losses.*.nupkg)
version=${package##*/Losses.}
version=${version%.nupkg}
[ -f "$work/feed/Losses.$version.snupkg" ] || { echo "no symbol package beside $package" >&2; exit 1; }
echo "packed Losses $version"

mkdir "$work/consumer"
cp "$repo/.ci/consumer/Consumer.csproj" "$repo/.ci/consumer/Program.cs" "$work/consumer/"
# The local feed is added to the machine's sources; the exact, freshly stamped version exists only there.
cat > "$work/consumer/nuget.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="losses-local" value="$work/feed" />
  </packageSources>
</configuration>
XML

cd "$work/consumer"
echo "== consumer on net10.0"
dotnet run -c Release -f net10.0 -p:LossesVersion="$version"

echo "== consumer on net8.0 (self-contained, .NET 8 runtime)"
dotnet publish -c Release -f net8.0 -r linux-x64 --self-contained -p:LossesVersion="$version" -o "$work/net8" --nologo
"$work/net8/Consumer" | tee "$work/net8.log"
grep -q "on .NET 8" "$work/net8.log" || { echo "the net8.0 consumer did not run on .NET 8" >&2; exit 1; }
echo "consumer test passed for Losses $version"
