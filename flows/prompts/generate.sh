#!/usr/bin/env bash
# Regenerates every prompt in prompts.tsv as 8 kHz, 16-bit mono WAV, the
# format FreeSWITCH plays on narrowband calls without resampling.
# Needs espeak-ng and sox (Debian: apt-get install espeak-ng sox).
set -euo pipefail
cd "$(dirname "$0")"
voice_for() { case "$1" in en) echo en-us ;; zh) echo cmn ;; *) echo "$1" ;; esac; }
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
grep -v '^#' prompts.tsv | while IFS=$'\t' read -r language name text; do
  [ -n "$language" ] || continue
  out="$language/$name.wav"
  mkdir -p "$(dirname "$out")"
  espeak-ng -v "$(voice_for "$language")" -s 155 -w "$tmp/raw.wav" "$text"
  # Trim leading and trailing silence so concatenated numbers flow naturally.
  sox "$tmp/raw.wav" -r 8000 -c 1 -b 16 -e signed-integer "$out" \
    norm -1 silence 1 0.02 0.5% reverse silence 1 0.02 0.5% reverse
done
echo "generated $(find . -name '*.wav' | wc -l) prompts"
