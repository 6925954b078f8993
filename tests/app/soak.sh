#!/usr/bin/env bash
# Desktop soak under Xvfb: the app trains about an epoch, then goes through 20 resets and model
# loads (a few steps after each), then trains 10 epochs more (batch 256), driven by its script; the harness
# samples its resident memory (VmRSS) twice a second and fails if it grows more than 64 MB past
# where it was after the first epoch (the training set, 47 MB, is in by then).
# usage: soak.sh APP_BINARY MODEL_FILE OUT_DIR
set -euo pipefail
app="$1" model="$2" out="$3"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"
{
  echo "wait 5"
  echo "set batch 256"
  echo "train 235"
  echo "touch $work/warm"
  for i in $(seq 20); do
    if [ $((i % 4)) = 0 ]; then echo "load-model $model"; else echo "reset"; fi
    echo "train 20"
  done
  echo "train 2350" # 10 epochs of 235 batches of 256
  echo "check trained 2350"
  echo "quit"
} >"$work/script.txt"

cat >"$work/harness.sh" <<'HARNESS'
app="$1" work="$2"
"$app" --frames 10000000 --script "$work/script.txt" & pid=$!
warm=0 max=0 samples=0
while kill -0 $pid 2>/dev/null; do
  rss=$(awk '/^VmRSS/ {print $2}' /proc/$pid/status 2>/dev/null || echo 0)
  if [ "$warm" = 0 ] && [ -f "$work/warm" ]; then warm=$rss; fi
  if [ "$warm" != 0 ] && [ "${rss:-0}" -gt "$max" ]; then max=$rss; fi
  samples=$((samples + 1))
  sleep 0.5
done
wait $pid; status=$?
echo "$status $warm $max $samples" >"$work/result"
HARNESS

start=$(date +%s)
xvfb-run -a -s "-screen 0 1280x800x24" bash "$work/harness.sh" "$app" "$work"
read -r status warm max samples <"$work/result"
seconds=$(( $(date +%s) - start ))
echo "desktop soak: exit $status after $seconds s; RSS $((warm / 1024)) MB after the first epoch, at most $((max / 1024)) MB over $samples samples"
echo "{\"seconds\": $seconds, \"rssWarmKB\": $warm, \"rssMaxKB\": $max, \"samples\": $samples}" >"$out/desktop-soak.json"
[ "$status" = 0 ] || { echo "desktop soak: the app's script failed (exit $status)" >&2; exit 1; }
[ "$warm" -gt 0 ] || { echo "desktop soak: never reached the first epoch" >&2; exit 1; }
[ "$max" -le $((warm + 65536)) ] || { echo "desktop soak: RSS grew from $((warm / 1024)) to $((max / 1024)) MB" >&2; exit 1; }
echo "desktop soak: passed"
