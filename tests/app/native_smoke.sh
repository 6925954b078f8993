#!/usr/bin/env bash
# Smoke test of the desktop app under Xvfb: it starts, renders, takes a drawing through the
# mouse, trains a few steps, blows up at a learning rate of 10 and trains on at 0.001, shows each
# Look inside view and a scrubbed timeline snapshot, and exits cleanly; screenshots are taken
# with ImageMagick.
# usage: native_smoke.sh APP_BINARY SCREENSHOT_DIR
set -euo pipefail
mkdir -p "$2"
app="$(realpath "$1")" shots="$(realpath "$2")" # the app runs in its own folder (save-view writes there)
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cat >"$work/script.txt" <<SCRIPT
wait 5
check test-set
drag 0.30 0.20  0.55 0.18  0.62 0.30  0.45 0.55  0.35 0.80  0.65 0.80
wait 3
check drawn
touch $work/drawn
wait-file $work/drawn.png
train 20
check trained 20
wait 3
touch $work/trained
wait-file $work/trained.png
set lr 10
start
wait-stopped
check diverged
wait 3
touch $work/diverged
wait-file $work/diverged.png
set lr 0.001
train 20
check trained 40
check timeline 3
check map
SCRIPT
views="map grid interpolate traverse weights gallery generate compare"
for v in $views; do
  printf 'view %s\nwait 10\ntouch %s\nwait-file %s.png\nsave-view\n' "$v" "$work/view-$v" "$work/view-$v" >>"$work/script.txt"
done
printf 'view map\nscrub 0\nwait 10\ntouch %s\nwait-file %s.png\nscrub now\nquit\n' "$work/scrubbed" "$work/scrubbed" >>"$work/script.txt"

# Inside the X server: start the app, take each screenshot when the app says it is ready for it.
cat >"$work/harness.sh" <<'HARNESS'
app="$1" work="$2" shots="$3" # $4: the views
shoot() { # shoot <marker> <png>
  for _ in $(seq 600); do [ -f "$work/$1" ] && break; sleep 0.1; done
  [ -f "$work/$1" ] || { echo "native smoke: the app never reached '$1'" >&2; return 1; }
  import -window root "$2"
  touch "$work/$1.png"
}
cd "$work" # where save-view writes aelab-<view>.png
"$app" --frames 20000 --script "$work/script.txt" & pid=$!
ok=1
shoot drawn "$shots/native-1-drawn.png" && shoot trained "$shots/native-2-trained.png" &&
  shoot diverged "$shots/native-3-diverged.png" || ok=0
for v in $4; do [ $ok = 1 ] && { shoot "view-$v" "$shots/native-view-$v.png" || ok=0; }; done
[ $ok = 1 ] && { shoot scrubbed "$shots/native-view-scrubbed.png" || ok=0; }
if [ $ok = 0 ]; then
  kill $pid; exit 1
fi
wait $pid
HARNESS

xvfb-run -a -s "-screen 0 1280x800x24" bash "$work/harness.sh" "$app" "$work" "$shots" "$views"
for v in $views; do # each view's Save PNG wrote an RGB PNG
  head -c 26 "$work/aelab-$v.png" 2>/dev/null | od -An -tx1 | tr -d ' \n' | grep -q '^89504e470d0a1a0a.*0802$' ||
    { echo "native smoke: Save PNG of the $v view did not write an RGB PNG" >&2; exit 1; }
done
# A lesson, as a link's settings and as a file (one per line, '#' comments): the app opens that
# lab (the shape, the view, the settings), and the hidden controls are not drawn.
lesson='latent=2&hidden=64&batch=128&epochs=7&view=map&lr_hide=1&reset_hide=1&title=Lesson%201'
printf 'wait 20\ncheck test-set\ncheck lesson %s\nquit\n' "$lesson" >"$work/lesson-check.txt"
printf '# a lesson file\nlatent=2\nhidden=64\nbatch=128\nepochs=7\nview=map\nlr_hide=1\nreset_hide=1\ntitle=Lesson 1\n' >"$work/lesson.txt"
for given in "$lesson" "$work/lesson.txt"; do
  xvfb-run -a -s "-screen 0 1280x800x24" "$app" --lesson "$given" --frames 2000 --script "$work/lesson-check.txt" ||
    { echo "native smoke: aelab_app --lesson $given did not open that lesson" >&2; exit 1; }
done
# Data sets: with the shipped MNIST model the Anomaly view loads Fashion-MNIST's test set and
# scores it (AUC near 1); the lab switches to Fashion-MNIST and trains there; the user's own data
# (a folder, here Fashion-MNIST's files under other names' folder) is taken with --own, and a
# folder of 14x14 pictures is refused with a message naming the sizes.
cat >"$work/data.txt" <<SCRIPT
wait 5
check dataset mnist
view anomaly
wait 30
check auc 0.99
touch $work/anomaly
wait-file $work/anomaly.png
set-text dataset fashion
wait 5
check dataset fashion
view map
train 20
check trained 20
save-projector
wait 10
touch $work/fashion
wait-file $work/fashion.png
quit
SCRIPT
cat >"$work/data-harness.sh" <<'HARNESS'
app="$1" work="$2" shots="$3"
shoot() { for _ in $(seq 600); do [ -f "$work/$1" ] && break; sleep 0.1; done
          [ -f "$work/$1" ] || { echo "native smoke: the app never reached '$1'" >&2; return 1; }
          import -window root "$2"; touch "$work/$1.png"; }
cd "$work" # where save-projector writes aelab-projector.zip
"$app" --frames 20000 --script "$work/data.txt" > "$work/data.log" & pid=$!
shoot anomaly "$shots/native-anomaly-fashion-vs-mnist.png" && shoot fashion "$shots/native-fashion-trained.png" ||
  { kill $pid; exit 1; }
wait $pid
HARNESS
xvfb-run -a -s "-screen 0 1280x800x24" bash "$work/data-harness.sh" "$app" "$work" "$shots" ||
  { cat "$work/data.log"; echo "native smoke: the data sets (Fashion-MNIST, the Anomaly view's AUC) failed" >&2; exit 1; }
grep 'AUC' "$work/data.log"
# bf16 products where the CPU has AVX512-BF16: the Train panel's "products" setting (set-text
# precision), 30 training steps with it; with AELAB_NO_BF16=1 (a CPU without them) the same
# setting is refused and the script fails.
if grep -qw avx512_bf16 /proc/cpuinfo; then
  printf 'wait 5\nset-text precision bf16\ncheck precision bf16\ntrain 30\ncheck trained 30\ncheck precision bf16\ntouch %s\nwait-file %s.png\nquit\n' \
    "$work/bf16" "$work/bf16" >"$work/bf16.txt"
  cat >"$work/bf16-harness.sh" <<'HARNESS'
app="$1" work="$2" shots="$3"
"$app" --frames 20000 --script "$work/bf16.txt" > "$work/bf16.log" 2>&1 & pid=$!
for _ in $(seq 600); do [ -f "$work/bf16" ] && break; sleep 0.1; done
[ -f "$work/bf16" ] || { kill $pid; exit 1; }
import -window root "$shots/native-train-bf16.png"; touch "$work/bf16.png"
wait $pid
HARNESS
  xvfb-run -a -s "-screen 0 1280x800x24" bash "$work/bf16-harness.sh" "$app" "$work" "$shots" ||
    { cat "$work/bf16.log"; echo "native smoke: training with bf16 products in the app failed" >&2; exit 1; }
  printf 'wait 5\nset-text precision bf16\nquit\n' >"$work/no-bf16.txt"
  if AELAB_NO_BF16=1 xvfb-run -a -s "-screen 0 1280x800x24" "$app" --frames 2000 --script "$work/no-bf16.txt" \
    >"$work/no-bf16.log" 2>&1; then
    echo "native smoke: bf16 was accepted on a CPU without AVX512-BF16 (AELAB_NO_BF16=1)" >&2; exit 1
  fi
  grep -q "AVX512-BF16" "$work/no-bf16.log" ||
    { cat "$work/no-bf16.log"; echo "native smoke: the bf16 refusal does not name AVX512-BF16" >&2; exit 1; }
  echo "native smoke: bf16 products train in the app; refused without AVX512-BF16"
fi
# the map's Projector button: a zip of the four files, 10,000 Fashion-MNIST codes with class names
python3 - "$work/aelab-projector.zip" <<'PY' || { echo "native smoke: the Projector zip is wrong" >&2; exit 1; }
import io, json, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
assert sorted(z.namelist()) == ["metadata.tsv", "projector_config.json", "sprite.png", "vectors.tsv"], z.namelist()
rows = z.read("vectors.tsv").decode().splitlines()
assert len(rows) == 10000 and all(len(r.split("\t")) == 32 for r in rows), len(rows)
meta = z.read("metadata.tsv").decode().splitlines()
assert meta[0] == "label\tclass" and len(meta) == 10001 and meta[1] == "9\tAnkle boot", meta[:2]
assert json.loads(z.read("projector_config.json"))["embeddings"][0]["tensorShape"] == [10000, 32]
assert z.read("sprite.png")[:8] == b"\x89PNG\r\n\x1a\n"
print("native smoke: aelab-projector.zip: 10000 codes of 32, Fashion-MNIST's class names")
PY
mkdir -p "$work/own" "$work/small"
cp /usr/share/datasets/fashion-mnist/*.gz "$work/own/"
printf 'wait 10\ncheck dataset custom\ntrain 5\ncheck trained 5\nquit\n' >"$work/own.txt"
xvfb-run -a -s "-screen 0 1280x800x24" "$app" --own "$work/own" --frames 2000 --script "$work/own.txt" >/dev/null ||
  { echo "native smoke: aelab_app --own DIR did not train on that folder's data" >&2; exit 1; }
python3 - "$work/small" <<'PY'
import struct, sys
d = sys.argv[1]
for split, n in (("train", 30), ("t10k", 20)):
    open(f"{d}/{split}-images-idx3-ubyte", "wb").write(struct.pack(">IIII", 0x803, n, 14, 14) + bytes(n * 196))
    open(f"{d}/{split}-labels-idx1-ubyte", "wb").write(struct.pack(">II", 0x801, n) + bytes(n))
PY
printf 'wait 10\ncheck dataset custom\nquit\n' >"$work/small.txt"
if xvfb-run -a -s "-screen 0 1280x800x24" "$app" --own "$work/small" --frames 2000 --script "$work/small.txt" >"$work/small.log" 2>&1 ||
   ! grep -q "20 pictures of 14x14 pixels; the lab's network takes 28x28 pictures" "$work/small.log"; then
  cat "$work/small.log"; echo "native smoke: 14x14 pictures were not refused with their sizes" >&2; exit 1
fi
echo "native smoke: passed (screenshots in $shots; each view's Save PNG wrote aelab-<view>.png; --lesson opens a link's settings and a lesson file; Fashion-MNIST, the Anomaly view's AUC, --own data, 14x14 refused)"
