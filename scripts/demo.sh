#!/usr/bin/env bash
# Runs the product locally: Azurite + the app (local trigger host) + demo data, ending with a paid order
# delivered as a card key. Stays up until Ctrl+C; pass --no-wait to stop after the demonstration.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x node_modules/.bin/azurite ]; then
  npm ci --no-audit --no-fund
fi

dotnet run --project tools/Fulfilment.Demo --configuration Release -- "$@"
