#!/usr/bin/env bash
# Runs the whole test suite. Installs Azurite (npm ci) if needed; the integration tests start and stop
# their own Azurite on free loopback ports, so nothing needs to be running beforehand.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x node_modules/.bin/azurite ]; then
  npm ci --no-audit --no-fund
fi

dotnet test Fulfilment.sln --configuration Release "$@"
