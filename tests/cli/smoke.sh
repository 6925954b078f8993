#!/usr/bin/env bash
# Command-line smoke test: train one epoch on a subset, then every command on the result, the
# exported .npz checked in NumPy against an independent reader of the model file, the latent map
# against NumPy's PCA of the encoded codes, and the exit codes of bad input (2 for usage errors,
# 1 for data and model errors, each with one line).
# usage: smoke.sh path/to/aelab mnist_dir work_dir
# SMOKE_QUICK=1 (the ASan + UBSan run, ~10x slower) runs the experiments that measure a result
# (denoising, a class left out, a model PyTorch trained) on 2,000 digits for 1 epoch: every code
# path runs under the sanitizers, and the measured figures are checked in the plain build only.
set -u
QUICK="${SMOKE_QUICK:-0}"
EXPERIMENT=(--epochs 3) # the experiments' training runs
[ "$QUICK" = 1 ] && EXPERIMENT=(--epochs 1 --limit 2000)
measured() { if [ "$QUICK" = 1 ]; then echo "skip $1 (SMOKE_QUICK: the measured figure is checked in the plain build)"; else check "$@"; fi; }
AELAB="$1" DATA="$2" WORK="$3" AELAB_SCRIPT="$(realpath "$0")"
# relative paths name files from where the script was started, not from $WORK
case "$AELAB" in /*) ;; *) AELAB="$PWD/$AELAB" ;; esac
case "$DATA" in /*) ;; *) DATA="$PWD/$DATA" ;; esac
PY=/usr/bin/python3 # Debian's python, which has python3-numpy
rm -rf "$WORK" && mkdir -p "$WORK" && cd "$WORK" || exit 1
passed=0 failed=0
ok() { passed=$((passed + 1)); echo "ok   $1"; }
bad() { failed=$((failed + 1)); echo "FAIL $1"; }
check() { local what="$1"; shift; if "$@"; then ok "$what"; else bad "$what"; fi; }

# expect_exit CODE WHAT -- command...: the exit code, and for errors a single line on stderr
expect_exit() {
  local want="$1" what="$2"; shift 3
  "$@" >out.txt 2>err.txt
  local got=$?
  if [ "$got" != "$want" ]; then bad "$what: exit $got, expected $want ($(head -c 300 err.txt))"; return; fi
  if [ "$want" != 0 ] && [ "$(wc -l <err.txt)" != 1 ]; then bad "$what: expected one line on stderr, got: $(cat err.txt)"; return; fi
  if [ "$want" = 0 ]; then ok "$what"; else ok "$what (exit $want: $(head -1 err.txt))"; fi
}

expect_exit 0 "train 1 epoch on 1000 digits" -- "$AELAB" train --data "$DATA" --epochs 1 --limit 1000 --out m.aelab --log log.csv
check "train printed an epoch line" grep -q "epoch   1  train_loss" out.txt
check "train wrote the csv log" grep -q "^1,0\.[0-9]*,0\.[0-9]*," log.csv
expect_exit 0 "eval" -- "$AELAB" eval --model m.aelab --data "$DATA"
check "eval printed the loss and 10 classes" bash -c 'grep -q "^val_loss 0\." out.txt && [ "$(grep -c "digit [0-9]" out.txt)" = 10 ]'
expect_exit 0 "reconstruct" -- "$AELAB" reconstruct --model m.aelab --data "$DATA" --out fig.png --indices 3,2,1
expect_exit 0 "encode" -- "$AELAB" encode --model m.aelab --data "$DATA" --out codes.csv
check "codes.csv has a header and 10000 rows of 33 columns" bash -c \
  '[ "$(wc -l <codes.csv)" = 10001 ] && [ "$(awk -F, "NF!=33" codes.csv | wc -l)" = 0 ]'
code=$(sed -n 2p codes.csv | cut -d, -f2-)
expect_exit 0 "decode a code from encode" -- "$AELAB" decode --model m.aelab --code "$code" --out digit.png
expect_exit 0 "export" -- "$AELAB" export --model m.aelab --out w.npz

# png(path, colour_type): checks the chunks' CRCs, the colour type (0 gray, 2 RGB) and the pixel
# data's length; returns (width, height). Imported by the NumPy checks below.
cat >pngs.py <<'PYEOF'
import struct, zlib

def png(path, colour_type=0):
    b = open(path, "rb").read()
    assert b[:8] == b"\x89PNG\r\n\x1a\n", path
    pos, idat, size = 8, b"", None
    while pos < len(b):
        n, kind = struct.unpack(">I4s", b[pos:pos + 8])
        body = b[pos + 8:pos + 8 + n]
        assert struct.unpack(">I", b[pos + 8 + n:pos + 12 + n])[0] == zlib.crc32(kind + body), path
        if kind == b"IHDR": size, colour = struct.unpack(">II", body[:8]), body[9]
        if kind == b"IDAT": idat += body
        pos += 12 + n
    w, h = size
    assert colour == colour_type, (path, "colour type", colour, "expected", colour_type)
    channels = 3 if colour_type == 2 else 1
    raw = zlib.decompress(idat)
    assert len(raw) == h * (w * channels + 1), (path, len(raw))
    return w, h
PYEOF

check "PNGs decode with the right sizes; the npz matches the model file in NumPy" "$PY" - <<'PYEOF'
import struct, zlib, sys
import numpy as np
from pngs import png

fw, fh = png("fig.png")
assert fh > fw / 3 * 2 / 2 and fw > fh, (fw, fh) # 3 columns, 2 rows
assert png("digit.png") == (224, 224)

# An independent reader of the model file, from the format documented in model_file.h.
b = open("m.aelab", "rb").read()
assert b[:8] == b"AELABMDL"
version, d, h, z, flags, epochs, count = struct.unpack("<6IQ", b[8:40])
assert (version, d, h, z, epochs) == (1, 784, 128, 32, 1), (version, d, h, z, epochs)
assert struct.unpack("<I", b[-4:])[0] == zlib.crc32(b[:-4])
params = np.frombuffer(b[40:40 + 4 * count], dtype="<f4")
npz = np.load("w.npz")
dims = [d, h, z, h, d]
off = 0
for l in range(4):
    W, bias = npz["W%d" % (l + 1)], npz["b%d" % (l + 1)]
    assert W.shape == (dims[l], dims[l + 1]) and bias.shape == (dims[l + 1],), (W.shape, bias.shape)
    assert W.dtype == np.float32
    assert np.array_equal(W.ravel(), params[off:off + W.size]); off += W.size
    assert np.array_equal(bias, params[off:off + bias.size]); off += bias.size
assert off == count
PYEOF

expect_exit 0 "codes from NumPy match aelab encode" -- "$PY" - "$DATA" <<'PYEOF'
import sys, numpy as np
data = sys.argv[1]
x = np.fromfile(data + "/t10k-images-idx3-ubyte", dtype=np.uint8)[16:16 + 784 * 5].reshape(5, 784) / np.float32(255)
w = np.load("w.npz")
h = np.maximum(x @ w["W1"] + w["b1"], 0)
code = np.maximum(h @ w["W2"] + w["b2"], 0)
csv = np.loadtxt("codes.csv", delimiter=",", skiprows=1, max_rows=5)
assert np.allclose(csv[:, 1:], code, atol=1e-4), np.abs(csv[:, 1:] - code).max()
PYEOF

# the latent map: aelab map's positions are the PCA of aelab encode's codes, computed in NumPy
expect_exit 0 "map" -- "$AELAB" map --model m.aelab --data "$DATA" --out map.csv
cp out.txt map_out.txt
check "  ... printed what the axes are" grep -q "^x: PC1 ([0-9.]*% of variance), y: PC2 ([0-9.]*% of variance)$" map_out.txt
check "map.csv has the header index,label,x,y and 10000 rows" bash -c \
  '[ "$(wc -l <map.csv)" = 10001 ] && [ "$(head -1 map.csv)" = index,label,x,y ] && [ "$(awk -F, "NF!=4" map.csv | wc -l)" = 0 ]'
expect_exit 0 "map's x, y are the projection on NumPy's first two principal components of the codes" -- "$PY" - <<'PYEOF'
import re
import numpy as np
codes = np.loadtxt("codes.csv", delimiter=",", skiprows=1)
m = np.loadtxt("map.csv", delimiter=",", skiprows=1)
assert np.array_equal(m[:, 0], np.arange(10000)) and np.array_equal(m[:, 1], codes[:, 0]), "index, label"
z = codes[:, 1:]
cov = np.cov(z, rowvar=False)
values, vectors = np.linalg.eigh(cov)
values, vectors = values[::-1], vectors[:, ::-1]
xy = (z - z.mean(axis=0)) @ vectors[:, :2]
for axis in range(2):  # each axis up to its sign, relative to the spread of the points along it
    spread = np.ptp(xy[:, axis])
    diff = min(np.abs(m[:, 2 + axis] - xy[:, axis]).max(), np.abs(m[:, 2 + axis] + xy[:, axis]).max())
    print("PC%d: max difference %.2e of a spread of %.3g" % (axis + 1, diff, spread))
    assert diff <= 1e-3 * spread, (axis, diff, spread)
printed = [float(p) for p in re.findall(r"([0-9.]+)% of variance", open("map_out.txt").read())]
expected = 100 * values[:2] / np.trace(cov)
assert np.allclose(printed, expected, atol=0.051), (printed, expected)
PYEOF
# every figure: an RGB PNG (reconstruct: the same grayscale file as aelab reconstruct)
for kind in map grid interpolate traverse weights reconstruct; do
  expect_exit 0 "figure $kind" -- "$AELAB" figure $kind --model m.aelab --data "$DATA" --out "fig_$kind.png"
done
expect_exit 0 "figure map --thumbnails" -- "$AELAB" figure map --model m.aelab --data "$DATA" --out fig_thumbs.png --thumbnails
expect_exit 0 "figure traverse --unit all" -- "$AELAB" figure traverse --model m.aelab --data "$DATA" --out fig_units.png --unit all
expect_exit 0 "figure interpolate --a 3 --b 7 --steps 5" -- "$AELAB" figure interpolate --model m.aelab --data "$DATA" --out fig_3to7.png --a 3 --b 7 --steps 5
expect_exit 0 "figure grid --n 4" -- "$AELAB" figure grid --model m.aelab --data "$DATA" --out fig_grid4.png --n 4
expect_exit 0 "reconstruct, for comparison" -- "$AELAB" reconstruct --model m.aelab --data "$DATA" --out rec.png
check "figure reconstruct wrote the file aelab reconstruct writes" cmp -s fig_reconstruct.png rec.png
check "figure PNGs are RGB, sized by their layouts (28x28 tiles at scale 2, 1 pixel apart)" "$PY" - <<'PYEOF'
from pngs import png
tiles = lambda columns, rows: (1 + 57 * columns, 1 + 57 * rows)
for path in ("fig_map.png", "fig_thumbs.png"):
    w, h = png(path, 2)
    assert h == 512 and 512 < w < 640, (path, w, h) # the map, its legend to the right
assert png("fig_grid.png", 2) == tiles(12, 12)
assert png("fig_grid4.png", 2) == tiles(4, 4)
assert png("fig_interpolate.png", 2) == tiles(10, 2)
assert png("fig_3to7.png", 2) == tiles(5, 2)
assert png("fig_traverse.png", 2) == tiles(10, 1)
assert png("fig_units.png", 2) == tiles(7, 32)
assert png("fig_weights.png", 2) == tiles(16, 128 // 16)
w, h = png("fig_reconstruct.png", 0)
assert w > h, (w, h)
PYEOF

# resuming: 1 epoch + 1 resumed epoch is byte for byte the same file as 2 epochs in one run
expect_exit 0 "train 2 epochs in one run" -- "$AELAB" train --data "$DATA" --epochs 2 --limit 600 --out two.aelab
expect_exit 0 "train 1 epoch" -- "$AELAB" train --data "$DATA" --epochs 1 --limit 600 --out one.aelab
expect_exit 0 "resume it for 1 more" -- "$AELAB" train --data "$DATA" --resume one.aelab --epochs 1 --limit 600 --out resumed.aelab
check "the resumed model equals the uninterrupted one" cmp -s two.aelab resumed.aelab
expect_exit 2 "resume with a different shape" -- "$AELAB" train --data "$DATA" --resume one.aelab --latent 8 --limit 600

# usage errors: exit 2
expect_exit 2 "no command" -- "$AELAB"
expect_exit 2 "unknown command" -- "$AELAB" frobnicate
expect_exit 2 "unknown option" -- "$AELAB" train --epoch 3
expect_exit 2 "epochs 0" -- "$AELAB" train --epochs 0
expect_exit 2 "lr nan" -- "$AELAB" train --lr nan
expect_exit 2 "batch not a number" -- "$AELAB" train --batch lots
expect_exit 2 "loss unknown" -- "$AELAB" train --loss hinge
expect_exit 2 "missing --model" -- "$AELAB" eval
expect_exit 2 "decode code of the wrong length" -- "$AELAB" decode --model m.aelab --code 1,2,3 --out x.png
expect_exit 2 "reconstruct index out of range" -- "$AELAB" reconstruct --model m.aelab --data "$DATA" --out x.png --indices 10000
expect_exit 2 "figure of an unknown kind" -- "$AELAB" figure nosuch --model m.aelab --data "$DATA" --out x.png
expect_exit 2 "figure with no kind" -- "$AELAB" figure --model m.aelab --out x.png
expect_exit 2 "figure traverse --unit 99 of a 32-unit code" -- "$AELAB" figure traverse --model m.aelab --data "$DATA" --out x.png --unit 99
expect_exit 2 "figure interpolate --a 10000" -- "$AELAB" figure interpolate --model m.aelab --data "$DATA" --out x.png --a 10000
expect_exit 2 "figure interpolate --steps 1" -- "$AELAB" figure interpolate --model m.aelab --data "$DATA" --out x.png --steps 1
expect_exit 2 "figure grid --n 0" -- "$AELAB" figure grid --model m.aelab --data "$DATA" --out x.png --n 0
expect_exit 2 "figure grid with an option of another kind" -- "$AELAB" figure grid --model m.aelab --data "$DATA" --out x.png --unit 3
expect_exit 2 "figure map without --out" -- "$AELAB" figure map --model m.aelab --data "$DATA"
expect_exit 2 "map without --out" -- "$AELAB" map --model m.aelab --data "$DATA"
check "  ... says so" grep -q -- "--out FILE.csv is required" err.txt
# data and model errors: exit 1, naming the file
expect_exit 1 "missing data folder" -- "$AELAB" train --data /nonexistent --epochs 1
head -c 1000 m.aelab > truncated.aelab
expect_exit 1 "truncated model" -- "$AELAB" eval --model truncated.aelab --data "$DATA"
check "the message names the file" grep -q truncated.aelab err.txt
cp m.aelab flipped.aelab && printf '\x55' | dd of=flipped.aelab bs=1 seek=5000 conv=notrunc status=none
expect_exit 1 "corrupted model" -- "$AELAB" eval --model flipped.aelab --data "$DATA"
mkdir -p baddata && cp "$DATA"/* baddata/ && head -c 5000 "$DATA/t10k-images-idx3-ubyte" > baddata/t10k-images-idx3-ubyte
expect_exit 1 "truncated IDX file" -- "$AELAB" eval --model m.aelab --data baddata
check "the message names the IDX file" grep -q t10k-images-idx3-ubyte err.txt
# ---- hostile input (issue 12's probe): each was a crash, a hang or a silent success
# defect 5: 10x10 images used to be drawn as 28x28, reading past the buffer
mkdir -p small10 && "$PY" - <<'PYEOF'
import numpy as np, struct
rng = np.random.default_rng(0)
for name, n in (("train", 300), ("t10k", 50)):
    open("small10/%s-images-idx3-ubyte" % name, "wb").write(struct.pack(">4I", 0x803, n, 10, 10) + rng.integers(0, 256, n * 100, dtype=np.uint8).tobytes())
    open("small10/%s-labels-idx1-ubyte" % name, "wb").write(struct.pack(">2I", 0x801, n) + (np.arange(n) % 10).astype(np.uint8).tobytes())
PYEOF
expect_exit 0 "train a 100-pixel model on 10x10 images" -- "$AELAB" train --data small10 --epochs 1 --out m100.aelab
expect_exit 1 "reconstruct refuses 10x10 images" -- "$AELAB" reconstruct --model m100.aelab --data small10 --out x.png
check "  ... naming the size" grep -q "images are 10x10, reconstruct draws 28x28" err.txt
expect_exit 1 "figure map refuses 10x10 images" -- "$AELAB" figure map --model m100.aelab --data small10 --out x.png
check "  ... naming the size" grep -q "images are 10x10, figure map draws 28x28" err.txt
expect_exit 1 "figure weights refuses a 100-pixel model" -- "$AELAB" figure weights --model m100.aelab --out x.png
expect_exit 0 "map of a 100-pixel model (positions, no images)" -- "$AELAB" map --model m100.aelab --data small10 --out map100.csv
expect_exit 1 "decode refuses a 100-pixel model" -- "$AELAB" decode --model m100.aelab --code "$(printf '0,%.0s' $(seq 31))0" --out x.png
# defect 6: a model claiming 4294967295 epochs made --resume replay that many shuffles
"$PY" - <<'PYEOF'
import struct, zlib
b = bytearray(open("m.aelab", "rb").read()[:-4])
for name, epochs in (("crafted.aelab", 4294967295), ("billion.aelab", 1000000000)):
    b[28:32] = struct.pack("<I", epochs)
    open(name, "wb").write(bytes(b) + struct.pack("<I", zlib.crc32(bytes(b))))
PYEOF
expect_exit 1 "resume a model claiming 4294967295 epochs" -- timeout 60 "$AELAB" train --data "$DATA" --resume crafted.aelab --epochs 1 --limit 600 --out r.aelab
check "  ... says how many it can take" grep -q "claims 4294967295 epochs trained" err.txt
expect_exit 0 "resume a model claiming 10^9 epochs, at once" -- timeout 60 "$AELAB" train --data "$DATA" --resume billion.aelab --epochs 1 --limit 600 --out r.aelab
check "  ... and goes on after epoch 10^9" grep -q "resuming billion.aelab after epoch 1000000000" out.txt
# more threads than the machine runs at once: trains on the cores it has, and says so
expect_exit 2 "train --threads 257" -- "$AELAB" train --data "$DATA" --epochs 1 --limit 600 --threads 257 --out r.aelab
expect_exit 0 "train --threads 256" -- "$AELAB" train --data "$DATA" --epochs 1 --limit 600 --threads 256 --out r.aelab
check "  ... says how many it trains on" bash -c 'n=$(nproc); [ "$n" -ge 256 ] || grep -q "^aelab: --threads 256: this machine runs [0-9]* at once; training on [0-9]*$" err.txt'
# defect 7: write errors
expect_exit 1 "train --log /dev/full" -- "$AELAB" train --data "$DATA" --epochs 1 --limit 600 --out r.aelab --log /dev/full
check "  ... names the log" grep -q "/dev/full: cannot write (No space left on device)" err.txt
expect_exit 1 "encode --out /dev/full" -- "$AELAB" encode --model m.aelab --data "$DATA" --out /dev/full
expect_exit 1 "figure map --out /dev/full" -- "$AELAB" figure map --model m.aelab --data "$DATA" --out /dev/full
expect_exit 1 "map --out /dev/full" -- "$AELAB" map --model m.aelab --data "$DATA" --out /dev/full
expect_exit 1 "reconstruct --out /dev/full" -- "$AELAB" reconstruct --model m.aelab --data "$DATA" --out /dev/full
# defect 8: the output is checked before training, and only a regular file is replaced
ln -sf m.aelab link.aelab
expect_exit 1 "train --out a symlink" -- "$AELAB" train --data "$DATA" --epochs 1 --limit 600 --out link.aelab
check "  ... refused before training, the link kept" bash -c '! grep -q "^epoch" out.txt && [ -L link.aelab ]'
expect_exit 1 "train --out a character device" -- "$AELAB" train --data "$DATA" --epochs 1 --limit 600 --out /dev/null
expect_exit 1 "train --out in a missing folder" -- "$AELAB" train --data "$DATA" --epochs 50 --out nodir/m.aelab
check "  ... refused before training" bash -c '! grep -q "^epoch" out.txt && grep -q "the folder nodir does not exist" err.txt'
# defect 10: a model from /dev/zero, a gzip bomb: refused after the header, in little memory
expect_exit 1 "eval --model /dev/zero" -- /usr/bin/time -f "%M" -o rss.txt "$AELAB" eval --model /dev/zero --data "$DATA"
check "  ... in under 100 MB (max RSS $(tail -1 rss.txt) KB)" bash -c '[ "$(tail -1 rss.txt)" -lt 100000 ]'
mkdir -p bomb && cp "$DATA"/t10k-labels-idx1-ubyte bomb/ && "$PY" - <<'PYEOF'
import struct, zlib
z = zlib.compressobj(9, zlib.DEFLATED, 31)
out = [z.compress(struct.pack(">4I", 0x803, 10000, 28, 28))]
zeros = bytes(1 << 24)
for _ in range(64): out.append(z.compress(zeros)) # 1 GiB of pixels behind a header of 10000 images
out.append(z.flush())
open("bomb/t10k-images-idx3-ubyte.gz", "wb").write(b"".join(out))
PYEOF
expect_exit 1 "eval on a gzip bomb ($(stat -c %s bomb/t10k-images-idx3-ubyte.gz) bytes to 1 GiB)" -- /usr/bin/time -f "%M" -o rss.txt "$AELAB" eval --model m.aelab --data bomb
check "  ... stops at the header's 7840016 bytes (max RSS $(tail -1 rss.txt) KB)" bash -c \
  'grep -q "expected 7840016 bytes once decompressed, as its header says, found more" err.txt && [ "$(tail -1 rss.txt)" -lt 150000 ]'
# divergence: a learning rate that blows up stops the run at that batch, saves the last good weights
expect_exit 1 "train at lr 10 diverges" -- "$AELAB" train --data "$DATA" --lr 10 --batch 64 --epochs 3 --limit 2000 --out div.aelab
check "  ... says at which step, and saves the last good weights" grep -q "training diverged at step [0-9]* (the loss is .*): the weights of step [0-9]*, the last good ones, are back and saved in div.aelab; try a lower --lr" err.txt
expect_exit 0 "  ... which load and evaluate" -- "$AELAB" eval --model div.aelab --data "$DATA"
expect_exit 0 "  ... and train on at lr 0.001" -- "$AELAB" train --data "$DATA" --resume div.aelab --lr 0.001 --epochs 1 --limit 2000 --out div2.aelab
# help
expect_exit 0 "train --help" -- "$AELAB" train --help
check "help lists the options" grep -q -- "--epochs" out.txt
expect_exit 0 "figure --help" -- "$AELAB" figure --help
check "  ... lists the kinds and their options" bash -c 'grep -q "^  traverse" out.txt && grep -q -- "--unit 0|all" out.txt'

# Denoising: two seeded 3-epoch runs on all 60,000 digits, one with mask:0.3 noise; on test
# digits with mask:0.3 noise the denoising model's loss (of the clean digits) is lower. Measured
# here: 0.1254 against 0.1444 (a 0.019 margin); the check asks for 0.01. At 312 steps (20,000
# digits, 4 epochs) there was no margin yet (0.1540 against 0.1535).
expect_exit 0 "train ${EXPERIMENT[*]} with --noise mask:0.3" -- "$AELAB" train --data "$DATA" "${EXPERIMENT[@]}" --seed 1 --noise mask:0.3 --out dn.aelab
check "  ... says so" grep -q "input noise mask:0.3" out.txt
expect_exit 0 "  ... and without noise" -- "$AELAB" train --data "$DATA" "${EXPERIMENT[@]}" --seed 1 --out plain.aelab
expect_exit 0 "eval --noise mask:0.3 (denoising model)" -- "$AELAB" eval --model dn.aelab --data "$DATA" --noise mask:0.3
dn_loss=$(sed -n 's/^val_loss \([0-9.]*\).*/\1/p' out.txt)
check "  ... names the noise of the inputs and of the model" grep -q "inputs with noise mask:0.3, model trained [0-9]* epochs\? with noise mask:0.3" out.txt
expect_exit 0 "eval --noise mask:0.3 (plain model)" -- "$AELAB" eval --model plain.aelab --data "$DATA" --noise mask:0.3
plain_loss=$(sed -n 's/^val_loss \([0-9.]*\).*/\1/p' out.txt)
measured "the denoising model cleans masked digits better: $dn_loss < $plain_loss - 0.01" \
  "$PY" -c "import sys; sys.exit(0 if $dn_loss < $plain_loss - 0.01 else 1)"
expect_exit 0 "  ... resuming it keeps the file's noise" -- "$AELAB" train --data "$DATA" --resume dn.aelab --epochs 1 --limit 1000 --out dn2.aelab
check "  ... (the summary says mask:0.3)" grep -q "input noise mask:0.3" out.txt
expect_exit 2 "train --noise blur:1 is refused" -- "$AELAB" train --data "$DATA" --noise blur:1
expect_exit 2 "eval --noise mask:1.5 is refused" -- "$AELAB" eval --model dn.aelab --data "$DATA" --noise mask:1.5

# Anomaly scores. The shipped MNIST model against Fashion-MNIST's test items (Debian's
# dataset-fashion-mnist): measured AUC 1.0000 (mean BCE 1.48 against 0.082); checked >= 0.995.
# The per-image CSV gives the same mean as eval, and NumPy's pairwise count the same class AUC.
FASHION=/usr/share/datasets/fashion-mnist
SHIPPED="$(dirname "$AELAB_SCRIPT")/../../assets/model.aelab"
expect_exit 0 "score the shipped model, Fashion-MNIST as the other set" -- "$AELAB" score --model "$SHIPPED" --data "$DATA" --other "$FASHION" --out scores.csv
fashion_auc=$(sed -n 's/.*AUC against this test set \([0-9.]*\)$/\1/p' out.txt)
check "  ... Fashion-MNIST items against MNIST digits: AUC $fashion_auc >= 0.995" "$PY" -c "import sys; sys.exit(0 if $fashion_auc >= 0.995 else 1)"
class1_auc=$(sed -n 's/^  class 1 against the others: AUC \([0-9.]*\).*/\1/p' out.txt)
check "  ... the CSV (index,label,loss) agrees with NumPy: its mean is eval's, class 1's AUC is $class1_auc" "$PY" - <<PYEOF
import numpy as np, subprocess
s = np.loadtxt("scores.csv", delimiter=",", skiprows=1)
assert s.shape == (10000, 3) and (s[:, 0] == np.arange(10000)).all(), s.shape
ev = subprocess.run(["$AELAB", "eval", "--model", "$SHIPPED", "--data", "$DATA"], capture_output=True, text=True).stdout
assert abs(float(ev.split()[1]) - s[:, 2].mean()) < 1e-5, (ev.split()[1], s[:, 2].mean())
a, n = s[s[:, 1] == 1, 2], s[s[:, 1] != 1, 2]
d = a[:, None] - n[None, :]
auc = ((d > 0).sum() + 0.5 * (d == 0).sum()) / d.size
assert abs(auc - $class1_auc) < 1e-4, (auc, $class1_auc)
PYEOF
# A class left out of training: 7s are then unusual to the model, but far from anomalies.
# Measured: class 7's AUC against the other classes is 0.491 left out, 0.298 trained on
# (3 seeded epochs each); checked to within 0.05 of 0.491 and above 0.298 + 0.1.
expect_exit 0 "train ${EXPERIMENT[*]} with --exclude-classes 7" -- "$AELAB" train --data "$DATA" "${EXPERIMENT[@]}" --seed 1 --exclude-classes 7 --out no7.aelab
measured "  ... says how many were left out" grep -q "left out class 7: 6265 training images dropped, 53735 remain" out.txt
expect_exit 0 "score it" -- "$AELAB" score --model no7.aelab --data "$DATA" --out no7.csv
no7_auc=$(sed -n 's/^  class 7 against the others: AUC \([0-9.]*\).*/\1/p' out.txt)
expect_exit 0 "score the same run with 7s trained on" -- "$AELAB" score --model plain.aelab --data "$DATA" --out plain.csv
with7_auc=$(sed -n 's/^  class 7 against the others: AUC \([0-9.]*\).*/\1/p' out.txt)
measured "  ... class 7's AUC: $no7_auc left out, $with7_auc trained on" "$PY" -c "import sys; sys.exit(0 if abs($no7_auc - 0.491) < 0.05 and $no7_auc > $with7_auc + 0.1 else 1)"
expect_exit 2 "train --exclude-classes x is refused" -- "$AELAB" train --data "$DATA" --exclude-classes x
expect_exit 1 "score --other a missing folder is a data error" -- "$AELAB" score --model no7.aelab --data "$DATA" --other nowhere --out x.csv
expect_exit 2 "score without --out is refused" -- "$AELAB" score --model no7.aelab --data "$DATA"
expect_exit 0 "--data fashion names Debian's Fashion-MNIST" -- "$AELAB" eval --model "$SHIPPED" --data fashion
check "  ... the shipped MNIST model's loss there is high (measured 1.48)" grep -q "^val_loss 1\.4[0-9]*" out.txt

# The float16 model file (the page's first download): half the bytes, each weight NumPy's
# float16 of the float32 one (round to nearest even; stored as a plane of high bytes, then one of
# low bytes), and the validation loss within 1e-4 of the float32 file's (measured: 0.082041
# against 0.082043).
expect_exit 0 "convert the shipped model to float16" -- "$AELAB" convert --model "$SHIPPED" --precision fp16 --out half.aelab
check "  ... 419,980 bytes, half of the float32 file's weights" test "$(stat -c %s half.aelab)" = 419980
check "  ... each weight is NumPy's float16 of the float32 one" "$PY" - "$SHIPPED" <<'PYEOF'
import numpy as np, sys
full = np.frombuffer(open(sys.argv[1], "rb").read()[40:40 + 4 * 209968], "<f4")
planes = np.frombuffer(open("half.aelab", "rb").read()[40:40 + 2 * 209968], np.uint8).reshape(2, 209968)
half = planes[0].astype(np.uint16) << 8 | planes[1]  # the high bytes, then the low bytes
assert (full.astype(np.float16).view(np.uint16) == half).all()
PYEOF
expect_exit 0 "eval the float32 file" -- "$AELAB" eval --model "$SHIPPED" --data "$DATA"
full_loss=$(sed -n 's/^val_loss \([0-9.]*\).*/\1/p' out.txt)
expect_exit 0 "eval the float16 file" -- "$AELAB" eval --model half.aelab --data "$DATA"
half_loss=$(sed -n 's/^val_loss \([0-9.]*\).*/\1/p' out.txt)
check "  ... its validation loss $half_loss is within 1e-4 of $full_loss" "$PY" -c "import sys; sys.exit(0 if abs($half_loss - $full_loss) < 1e-4 else 1)"
expect_exit 0 "convert it back to float32" -- "$AELAB" convert --model half.aelab --precision fp32 --out back32.aelab
check "  ... 839,916 bytes again" test "$(stat -c %s back32.aelab)" = 839916
expect_exit 2 "convert --precision fp8 is refused" -- "$AELAB" convert --model half.aelab --precision fp8 --out x.aelab
expect_exit 0 "convert a model with Adam state to float16 (the state is dropped)" -- "$AELAB" convert --model m.aelab --precision fp16 --out m16.aelab
check "  ... says so" grep -q "without the optimizer state" out.txt

# Weights in: aelab import reads what export writes, the same arrays from np.savez_compressed,
# float64, and a PyTorch state_dict (out x in); the weights come back bit for bit. A model
# trained by PyTorch (tests/cli/torch_reference.py: 1 epoch on 20,000 digits) gives the loss
# PyTorch computed, to 1e-4 (measured: equal to 6 decimals).
expect_exit 0 "export the shipped model" -- "$AELAB" export --model "$SHIPPED" --out shipped.npz
expect_exit 0 "import it back" -- "$AELAB" import --npz shipped.npz --out shipped-back.aelab
check "  ... the same weights, bit for bit" cmp <(tail -c +41 "$SHIPPED" | head -c 839872) <(tail -c +41 shipped-back.aelab | head -c 839872)
check "NumPy writes the same arrays compressed, as float64 and in PyTorch's layout" "$PY" - <<'PYEOF'
import numpy as np
z = np.load("shipped.npz")
np.savez_compressed("compressed.npz", **{k: z[k] for k in z.files})
np.savez("f64.npz", **{k: z[k].astype(np.float64) for k in z.files})
names = ["encoder.0", "encoder.2", "decoder.0", "decoder.2"]
sd = {}
for i, n in enumerate(names):
    sd[n + ".weight"] = np.ascontiguousarray(z["W%d" % (i + 1)].T)
    sd[n + ".bias"] = z["b%d" % (i + 1)]
np.savez("torch-layout.npz", **sd)
bad = {k: z[k] for k in z.files}
bad["W2"] = bad["W2"].astype(np.int32)
np.savez("int.npz", **bad)
bad = {k: z[k] for k in z.files}
bad["b3"] = bad["b3"][:7]
np.savez("short-bias.npz", **bad)
PYEOF
for f in compressed f64 torch-layout; do
  expect_exit 0 "import $f.npz" -- "$AELAB" import --npz $f.npz --out $f.aelab
  check "  ... the same weights" cmp <(tail -c +41 "$SHIPPED" | head -c 839872) <(tail -c +41 $f.aelab | head -c 839872)
done
head -c 5000 shipped.npz >truncated.npz
expect_exit 1 "a truncated npz is refused" -- "$AELAB" import --npz truncated.npz --out x.aelab
check "  ... saying so" grep -q "truncated.npz: not an .npz (no zip end record)" err.txt
expect_exit 1 "an int32 array is refused" -- "$AELAB" import --npz int.npz --out x.aelab
check "  ... naming it and the dtype expected" grep -q "int.npz: W2.npy: dtype '<i4', expected float32 ('<f4') or float64" err.txt
expect_exit 1 "a wrong-shape array is refused" -- "$AELAB" import --npz short-bias.npz --out x.aelab
check "  ... naming it and the shape expected" grep -q "short-bias.npz: b3 has shape (7,), expected (128,)" err.txt
torch_digits=20000
[ "$QUICK" = 1 ] && torch_digits=1000
torch_loss=$("$PY" "$(dirname "$AELAB_SCRIPT")/torch_reference.py" "$DATA" $torch_digits torch.npz)
expect_exit 0 "import a model PyTorch trained (val loss $torch_loss in PyTorch)" -- "$AELAB" import --npz torch.npz --out torch.aelab
expect_exit 0 "  ... eval it" -- "$AELAB" eval --model torch.aelab --data "$DATA"
aelab_loss=$(sed -n 's/^val_loss \([0-9.]*\).*/\1/p' out.txt)
check "  ... the same validation loss as PyTorch: $aelab_loss against $torch_loss" "$PY" -c "import sys; sys.exit(0 if abs($aelab_loss - $torch_loss) < 1e-4 else 1)"

# The Embedding Projector's files: 10,000 rows of the code's width, a label and class per row
# under a header, a 2800x2800 sprite of 28x28 digits, and a config that points at all three.
expect_exit 0 "encode --format projector" -- "$AELAB" encode --model "$SHIPPED" --data "$DATA" --format projector --out projector
expect_exit 0 "  ... with Fashion-MNIST's class names" -- "$AELAB" encode --model "$SHIPPED" --data "$FASHION" --format projector --classes fashion --out projector-fashion
check "  ... the files parse: vectors, metadata, sprite and config" "$PY" - <<'PYEOF'
import json, numpy as np
from pngs import png
v = np.loadtxt("projector/vectors.tsv", delimiter="\t")
assert v.shape == (10000, 32), v.shape
meta = open("projector/metadata.tsv").read().splitlines()
assert meta[0] == "label\tclass" and len(meta) == 10001 and meta[1] == "7\t7", meta[:2]
assert open("projector-fashion/metadata.tsv").read().splitlines()[1] == "9\tAnkle boot"
assert png("projector/sprite.png") == (2800, 2800)
c = json.load(open("projector/projector_config.json"))["embeddings"][0]
assert c["tensorShape"] == [10000, 32] and c["tensorPath"] == "vectors.tsv" and c["metadataPath"] == "metadata.tsv", c
assert c["sprite"] == {"imagePath": "sprite.png", "singleImageDim": [28, 28]}, c
PYEOF
expect_exit 2 "encode --format xml is refused" -- "$AELAB" encode --model "$SHIPPED" --data "$DATA" --format xml --out x

# bfloat16 products (train --precision bf16): refused with one line where the CPU lacks them
# (AELAB_NO_BF16=1 hides them here); where it has them, the same seeded run learns as fp32 does:
# after 1 epoch on 5,000 digits the losses agree within 2% (measured: 0.30486 against 0.30484).
expect_exit 2 "train --precision fp16 is refused" -- "$AELAB" train --data "$DATA" --precision fp16 --out x.aelab
AELAB_NO_BF16=1 expect_exit 2 "train --precision bf16 on a CPU without AVX512-BF16 is refused" -- \
  "$AELAB" train --data "$DATA" --precision bf16 --out x.aelab
check "  ... naming the instructions it needs" grep -q "AVX512-BF16" err.txt
SHORT=(--epochs 1 --limit 5000) # the bf16 and kernel runs below; SMOKE_QUICK: 1000 digits
[ "$QUICK" = 1 ] && SHORT=(--epochs 1 --limit 1000)
if grep -qw avx512_bf16 /proc/cpuinfo; then
  expect_exit 0 "train 1 epoch on ${SHORT[3]} digits, fp32" -- "$AELAB" train --data "$DATA" "${SHORT[@]}" --out p32.aelab
  fp32_val=$(sed -n 's/^epoch   1 .*val_loss \([0-9.]*\).*/\1/p' out.txt)
  expect_exit 0 "  ... and with --precision bf16" -- "$AELAB" train --data "$DATA" "${SHORT[@]}" --precision bf16 --out p16.aelab
  bf16_val=$(sed -n 's/^epoch   1 .*val_loss \([0-9.]*\).*/\1/p' out.txt)
  check "  ... says it uses bf16 products" grep -q "with bf16 products" out.txt
  measured "  ... its val loss $bf16_val is within 2% of fp32's $fp32_val, and not equal to it" "$PY" -c \
    "import sys; a, b = $bf16_val, $fp32_val; sys.exit(0 if abs(a - b) < 0.02 * b and a != b else 1)"
else
  echo "skip the bf16 training run: this CPU has no AVX512-BF16"
fi

# The fp32 kernel is chosen by timing (--kernel auto): avx512 and avx2 must give the same model
# bit for bit, so the choice cannot change a run.
if grep -qw avx512f /proc/cpuinfo; then
  expect_exit 0 "train 1 epoch on ${SHORT[3]} digits with --kernel avx2" -- "$AELAB" train --data "$DATA" "${SHORT[@]}" --kernel avx2 --out k2.aelab
  expect_exit 0 "  ... and with --kernel avx512" -- "$AELAB" train --data "$DATA" "${SHORT[@]}" --kernel avx512 --out k5.aelab
  check "  ... the two models are identical" cmp -s k2.aelab k5.aelab
fi
expect_exit 2 "train --kernel neon is refused" -- "$AELAB" train --data "$DATA" --kernel neon --out x.aelab

# The variational autoencoder (--kind vae) and the sparse code (--sparsity): the log's extra
# columns, eval --json, samples as PNG and .npy (the same seed, the same bytes), export/import bit
# for bit, bad values refused; a VAE PyTorch trained (tests/cli/torch_vae_reference.py) gives
# PyTorch's reconstruction and KL here; 10 epochs at latent 2 and 32 land within 3% of the
# independent PyTorch run in issue 24 (recon 157.7, KL 5.07; recon 78.7, KL 25.0; measured
# 158.80/4.954 and 78.79/25.02).
expect_exit 0 "train a VAE 1 epoch on 1000 digits" -- "$AELAB" train --data "$DATA" --kind vae --latent 2 --epochs 1 --limit 1000 --out vae.aelab --log vae.csv
check "  ... the log adds val_recon,val_kl" bash -c 'head -1 vae.csv | grep -qx "epoch,train_loss,val_loss,seconds,samples_per_s,val_recon,val_kl" && [ "$(tail -1 vae.csv | tr , "\n" | wc -l)" = 7 ]'
check "  ... the summary says VAE (beta 1)" grep -q "784-128-2-128-784 VAE (beta 1)" out.txt
expect_exit 0 "eval --json a VAE" -- "$AELAB" eval --model vae.aelab --data "$DATA" --json
check "  ... one object: kind vae, loss = recon + kl, bce_per_pixel = recon / 784" "$PY" -c '
import json; j = json.load(open("out.txt"))
assert j["kind"] == "vae" and abs(j["loss"] - j["recon"] - j["kl"]) < 1e-3 and j["kl"] > 0, j
assert abs(j["bce_per_pixel"] - j["recon"] / 784) < 1e-6 and 100 < j["recon"] < 550, j'
expect_exit 0 "eval --json the plain model" -- "$AELAB" eval --model m.aelab --data "$DATA" --json
check "  ... kind ae, no recon or kl" "$PY" -c '
import json; j = json.load(open("out.txt")); assert j["kind"] == "ae" and "kl" not in j and abs(j["loss"] - j["bce_per_pixel"]) < 1e-6 and j["code_mean"] > 0, j'
expect_exit 0 "sample 24 from the VAE as a PNG grid" -- "$AELAB" sample --model vae.aelab --n 24 --out samples.png --seed 3
expect_exit 0 "  ... and as .npy" -- "$AELAB" sample --model vae.aelab --n 24 --out samples.npy --seed 3
expect_exit 0 "  ... again with the same seed" -- "$AELAB" sample --model vae.aelab --n 24 --out again.npy --seed 3
check "  ... the same samples" cmp -s samples.npy again.npy
expect_exit 0 "sample the plain model (codes from a Gaussian fitted to its test codes)" -- "$AELAB" sample --model m.aelab --data "$DATA" --n 5 --out ae-samples.npy
check "  ... (24, 784) float32 in [0, 1]; a 10-column grid of 2x pictures" "$PY" - <<'PYEOF'
import numpy as np
from pngs import png
a = np.load("samples.npy")
assert a.shape == (24, 784) and a.dtype == np.float32 and a.min() >= 0 and a.max() <= 1, (a.shape, a.dtype)
assert np.load("ae-samples.npy").shape == (5, 784)
w, h = png("samples.png", 2)
assert (w, h) == (10 * 56 + 11 * 2, 3 * 56 + 4 * 2), (w, h)  # a 2-pixel gap around each
PYEOF
expect_exit 0 "figure generate (36 samples of the VAE)" -- "$AELAB" figure generate --model vae.aelab --data "$DATA" --out fig-generate.png
expect_exit 0 "figure compare: the shipped plain and VAE latent-2 models" -- "$AELAB" figure compare --model "$(dirname "$AELAB_SCRIPT")/../../assets/compare-ae.aelab" --other "$(dirname "$AELAB_SCRIPT")/../../assets/compare-vae.aelab" --data "$DATA" --out fig-compare.png
check "  ... the VAE side on the prior's quantiles" grep -q "(VAE): the prior's 5%-95% quantiles" out.txt
check "  ... both figures decode as RGB PNGs of their sizes" "$PY" -c '
from pngs import png
assert png("fig-generate.png", 2) == (6 * 56 + 7, 6 * 56 + 7), png("fig-generate.png", 2)
assert png("fig-compare.png", 2) == (2 * 280 + 8, 280), png("fig-compare.png", 2)'
expect_exit 1 "figure compare of a 32-unit model is refused" -- "$AELAB" figure compare --model m.aelab --other vae.aelab --data "$DATA" --out x.png
expect_exit 2 "sample without --n is refused" -- "$AELAB" sample --model vae.aelab --out x.png
expect_exit 0 "export the VAE" -- "$AELAB" export --model vae.aelab --out vae.npz
check "  ... its arrays under the documented names" "$PY" -c '
import numpy as np; z = np.load("vae.npz")
assert z.files == ["W1", "b1", "W2_mu", "b2_mu", "W2_log_var", "b2_log_var", "W3", "b3", "W4", "b4"], z.files
assert z["W2_mu"].shape == (128, 2) and z["W3"].shape == (2, 128)'
expect_exit 0 "  ... import it back" -- "$AELAB" import --npz vae.npz --out vae-back.aelab
vae_params=$((784 * 128 + 128 + 128 * 4 + 4 + 2 * 128 + 128 + 128 * 784 + 784))
check "  ... the same weights, bit for bit" cmp <(tail -c +41 vae.aelab | head -c $((4 * vae_params))) <(tail -c +41 vae-back.aelab | head -c $((4 * vae_params)))
expect_exit 2 "train --kind gan is refused" -- "$AELAB" train --data "$DATA" --kind gan --out x.aelab
expect_exit 2 "train --beta 11 is refused" -- "$AELAB" train --data "$DATA" --kind vae --beta 11 --out x.aelab
expect_exit 2 "train --kind vae --sparsity 0.001 is refused (the penalty is the plain model's)" -- "$AELAB" train --data "$DATA" --kind vae --sparsity 0.001 --out x.aelab
expect_exit 2 "resume a VAE as --kind ae is refused" -- "$AELAB" train --data "$DATA" --resume vae.aelab --kind ae --out x.aelab
expect_exit 0 "train the plain model with --sparsity 0.001 (1 epoch on 1000 digits)" -- "$AELAB" train --data "$DATA" --sparsity 0.001 --epochs 1 --limit 1000 --out sparse.aelab
check "  ... the summary names the penalty" grep -q "code L1 penalty 0.001" out.txt
vae_torch=$("$PY" "$(dirname "$AELAB_SCRIPT")/torch_vae_reference.py" "$DATA" 1 2 torch-vae.npz $torch_digits 2>/dev/null)
expect_exit 0 "import a VAE PyTorch trained (recon, KL: $vae_torch in PyTorch)" -- "$AELAB" import --npz torch-vae.npz --out torch-vae.aelab
check "  ... it is a VAE" grep -q "784-128-2-128-784 VAE from" out.txt
expect_exit 0 "  ... eval it" -- "$AELAB" eval --model torch-vae.aelab --data "$DATA" --json
check "  ... PyTorch's reconstruction and KL ($(cat out.txt))" "$PY" -c "
import json; j = json.load(open('out.txt')); r, k = map(float, '$vae_torch'.split())
assert abs(j['recon'] - r) < 1e-3 * r and abs(j['kl'] - k) < 1e-3 * k + 1e-3, (j, r, k)"
if [ "$QUICK" != 1 ]; then
  for spec in "2 157.7 5.07" "32 78.7 25.0"; do
    set -- $spec
    expect_exit 0 "train a VAE 10 epochs at latent $1" -- "$AELAB" train --data "$DATA" --kind vae --latent $1 --epochs 10 --out vae$1.aelab
    expect_exit 0 "  ... eval it" -- "$AELAB" eval --model vae$1.aelab --data "$DATA" --json
    check "  ... within 3% of PyTorch's recon $2 and KL $3: $(cat out.txt)" "$PY" -c "
import json; j = json.load(open('out.txt'))
assert abs(j['recon'] / $2 - 1) < 0.03 and abs(j['kl'] / $3 - 1) < 0.03, j"
  done
fi

# --- the convolutional autoencoder (issue 25): train, the file, its refusals, and a model PyTorch
# trained (tests/cli/torch_conv_reference.py) evaluating to PyTorch's own loss
expect_exit 0 "train a conv model (1 epoch on 2000 digits)" -- "$AELAB" train --data "$DATA" --kind conv --epochs 1 --limit 2000 --batch 128 --out conv.aelab
check "  ... the summary names its filters and code" grep -q "training conv 16,8,8 (code 4x4x8)" out.txt
expect_exit 0 "  ... eval it" -- "$AELAB" eval --model conv.aelab --data "$DATA" --json
check "  ... it is a conv model and learned something: $(cat out.txt)" "$PY" -c "
import json; j = json.load(open('out.txt')); assert j['kind'] == 'conv' and 0.1 < j['loss'] < 0.6, j"
expect_exit 0 "  ... its filters 8,4,2 (1 epoch on 500 digits)" -- "$AELAB" train --data "$DATA" --kind conv --filters 8,4,2 --epochs 1 --limit 500 --out conv842.aelab
check "  ... a 4x4x2 code" grep -q "training conv 8,4,2 (code 4x4x2)" out.txt
expect_exit 0 "  ... export it" -- "$AELAB" export --model conv.aelab --out conv.npz
expect_exit 0 "  ... import it back" -- "$AELAB" import --npz conv.npz --out conv-back.aelab
expect_exit 0 "  ... eval the import" -- "$AELAB" eval --model conv-back.aelab --data "$DATA" --json
check "  ... the same loss" "$PY" -c "
import json, subprocess; j = json.load(open('out.txt'))
k = json.loads(subprocess.check_output(['$AELAB', 'eval', '--model', 'conv.aelab', '--data', '$DATA', '--json']))
assert j['loss'] == k['loss'], (j, k)"
expect_exit 0 "  ... figure features of test digit 3" -- "$AELAB" figure features --model conv.aelab --data "$DATA" --index 3 --out features.png
check "  ... a row per layer, 14 of them, named" grep -q "input 28x28x1, conv1 28x28x16, pool1 14x14x16.*conv7 28x28x1" out.txt
check "  ... a PNG" "$PY" -c "import sys; sys.exit(0 if open('features.png','rb').read(8) == b'\\x89PNG\\r\\n\\x1a\\n' else 1)"
expect_exit 0 "  ... figure weights shows its 3x3 filters" -- "$AELAB" figure weights --model conv.aelab --out filters.png
check "  ... 16 of them" grep -q "the first layer's 16 3x3 filters" out.txt
expect_exit 2 "figure features of a dense model is refused" -- "$AELAB" figure features --model sparse.aelab --data "$DATA" --out x.png
expect_exit 2 "--filters without --kind conv is refused" -- "$AELAB" train --data "$DATA" --filters 8,8,8 --out x.aelab
check "  ... saying whose it is" grep -q "filters is a convolutional model" err.txt
expect_exit 2 "--latent with --kind conv is refused" -- "$AELAB" train --data "$DATA" --kind conv --latent 32 --out x.aelab
expect_exit 2 "--filters 16,8 is refused" -- "$AELAB" train --data "$DATA" --kind conv --filters 16,8 --out x.aelab
check "  ... saying what it expects" grep -q "expected three counts such as 16,8,8, each 1 to 64" err.txt
expect_exit 2 "--filters 16,0,8 is refused" -- "$AELAB" train --data "$DATA" --kind conv --filters 16,0,8 --out x.aelab
conv_torch=$("$PY" "$(dirname "$AELAB_SCRIPT")/torch_conv_reference.py" "$DATA" 1 torch-conv.npz 2000 2>/dev/null)
expect_exit 0 "import a conv model PyTorch trained (its test loss: $conv_torch)" -- "$AELAB" import --npz torch-conv.npz --out torch-conv.aelab
check "  ... it is a conv model" grep -q "conv 16,8,8 (code 4x4x8) from" out.txt
expect_exit 0 "  ... eval it" -- "$AELAB" eval --model torch-conv.aelab --data "$DATA" --json
check "  ... PyTorch's own loss ($(cat out.txt))" "$PY" -c "
import json; j = json.load(open('out.txt')); assert abs(j['loss'] - $conv_torch) < 1e-4, j"
# The 5-epoch loss against PyTorch's (issue 25): one seed's varies by about 3% (aelab 0.10919 to
# 0.11117, PyTorch 0.10999 to 0.11422 over seeds 0-3), so the mean of four seeds against the mean
# of PyTorch's four (tests/cli/torch_conv_reference.py, 0.11422 0.11163 0.10999 0.11160: 0.11186).
# aelab's mean was 0.10995 on 2026-12-05 (1.7% lower).
if [ "$QUICK" != 1 ]; then
  conv_losses=""
  for seed in 0 1 2 3; do
    expect_exit 0 "train the conv model 5 epochs at batch 128, seed $seed" -- "$AELAB" train --data "$DATA" --kind conv --epochs 5 --batch 128 --seed $seed --out conv5.aelab
    conv_losses="$conv_losses $(sed -n 's/.*epoch   5 .*val_loss \([0-9.]*\).*/\1/p' out.txt)"
  done
  check "  ... the mean of the four within 2% of PyTorch's 0.11186 (val losses:$conv_losses)" "$PY" -c "
import statistics, sys; m = statistics.mean(float(v) for v in '$conv_losses'.split()); print('mean', m); sys.exit(0 if abs(m / 0.11186 - 1) < 0.02 else 1)"
fi

echo "cli smoke: $passed passed, $failed failed"
[ "$failed" = 0 ]
