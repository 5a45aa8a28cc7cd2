#!/usr/bin/env bash
# Produces the deployable folder for Azure Functions (Flex Consumption, runtime "custom"): host.json, one folder per
# function with its function.json, and the handler `Fulfilment.Functions` built self-contained for linux-x64 (the
# plan provides no .NET runtime to a custom handler).
# Usage: ./scripts/publish.sh [output-folder]   (default: artifacts/publish; zip it for deployment)
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-artifacts/publish}"
rm -rf "$out"
dotnet publish functions/Fulfilment.Functions.csproj --configuration Release --output "$out"   # linux-x64, self-contained: see the csproj
echo "Deployable folder: $out ($(find "$out" -name function.json | wc -l) functions)"
