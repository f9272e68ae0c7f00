#!/usr/bin/env bash
# The whole test suite: set up what is missing, then typecheck, lint, format
# and dependency-rule checks, then every test against real Postgres and Redis.
# Ends with one line: "tests: N passed, N failed, N skipped".
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/prerequisites.sh

# The pages are tested in Debian's Chromium (never a downloaded browser), with
# CJK fonts so Chinese renders as text, not boxes, in screenshots.
ensure_browser() {
  local missing=()
  command -v chromium >/dev/null || missing+=(chromium)
  [ -d /usr/share/fonts/opentype/noto ] || missing+=(fonts-noto-cjk)
  if [ "${#missing[@]}" -gt 0 ]; then apt_install "${missing[@]}"; fi
}
ensure_browser

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
step typecheck;        npx --no-install tsc --noEmit && npx --no-install tsc --noEmit -p web
step lint;             npx --no-install eslint --max-warnings 0 .
step format;           npx --no-install prettier --check . --log-level warn
step dependency rules; npm run --silent deps:check

step tests
report=.test-report.json
rm -f "$report"
status=0
npx --no-install vitest run --reporter=default --reporter=json --outputFile.json="$report" "$@" || status=$?
if [ ! -f "$report" ]; then
  echo "tests: 0 passed, 1 failed, 0 skipped"
  exit 1
fi
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  const failed = r.numFailedTests + (r.numRuntimeErrorTestSuites ?? 0);
  console.log(`tests: ${r.numPassedTests} passed, ${failed} failed, ${skipped} skipped`);
  if (r.numTotalTests === 0) process.exit(1);
' "$report" || status=1
exit "$status"
