#!/usr/bin/env python3
"""The page's icon (web app manifest, the tab): an autoencoder's bottleneck, wide at the input,
narrow at the code (an orange bar), wide again at the output, on the lab's background. Drawn
here as PNG with zlib alone, so the build needs nothing more.

usage: tools/make_icon.py SIZE OUT.png"""
import struct
import sys
import zlib

BACKGROUND = (20, 23, 28)
NETWORK = (106, 160, 255)
CODE = (255, 200, 90)


def pixel(x, y):
    """The colour at (x, y), both in [0, 1)."""
    margin = 0.14
    if not (margin <= x <= 1 - margin and margin <= y <= 1 - margin):
        return BACKGROUND
    t = abs(x - 0.5) / (0.5 - margin)  # 0 at the code, 1 at the input and output
    half = 0.06 + 0.30 * t  # half the layer's height
    if abs(y - 0.5) > half:
        return BACKGROUND
    if abs(x - 0.5) < 0.035:
        return CODE
    # the layers as stripes: four of them on each side
    return NETWORK if int(t * 8) % 2 == 0 else tuple(c * 3 // 4 for c in NETWORK)


def png(size):
    rows = b"".join(b"\0" + bytes(c for x in range(size) for c in pixel((x + 0.5) / size, (y + 0.5) / size))
                    for y in range(size))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b""))


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    size = int(sys.argv[1])
    if not 16 <= size <= 1024:
        sys.exit(f"make_icon.py: size {size}: expected 16 to 1024 pixels")
    with open(sys.argv[2], "wb") as f:
        f.write(png(size))


if __name__ == "__main__":
    main()
