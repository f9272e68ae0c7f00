#!/usr/bin/env bash
# The main job: set up what is missing, migrate the database, start Switchboard.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/prerequisites.sh
node bin/switchboard.js db migrate
exec node bin/switchboard.js start
