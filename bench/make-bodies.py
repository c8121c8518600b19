#!/usr/bin/env python3
"""Writes predict request bodies from real Fashion-MNIST test images (standard library only).

usage: make-bodies.py DATASET_DIR OUT_DIR
writes OUT_DIR/instances-1.json and OUT_DIR/instances-32.json: {"instances": [[784 numbers in [0, 1]], ...]},
the first 1 and 32 images of t10k-images-idx3-ubyte.gz, pixel / 255 with 4 decimals.
"""
import gzip
import os
import struct
import sys

dataset, out = sys.argv[1], sys.argv[2]
with gzip.open(os.path.join(dataset, "t10k-images-idx3-ubyte.gz"), "rb") as f:
    magic, count, rows, cols = struct.unpack(">IIII", f.read(16))
    assert magic == 2051 and rows == 28 and cols == 28, "not an IDX image file of 28x28 images"
    size = rows * cols
    images = [f.read(size) for _ in range(32)]


def instance(image):
    return "[" + ",".join("0" if p == 0 else "%.4g" % (p / 255) for p in image) + "]"


for n in (1, 32):
    with open(os.path.join(out, "instances-%d.json" % n), "w") as f:
        f.write('{"instances": [' + ",".join(instance(image) for image in images[:n]) + "]}")
