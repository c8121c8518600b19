#!/usr/bin/env python3
"""Which GPU architectures an ND4J CUDA build carries code for.

Reads libnd4jcuda.so from an nd4j-cuda natives jar (or the .so itself) and lists the fat binary's entries: SASS
(cubin, "ELF") per sm_XY, and PTX, which the driver can compile for newer GPUs. A GPU runs the build when there is
a cubin of its major version with a minor version at most its own (sm_86 runs on 8.6 and 8.9, not on 9.0), or PTX
of an equal or lower version; otherwise CUDA answers "no kernel image is available for execution on the device".

    python3 bench/cuda-archs.py ~/.m2/repository/org/nd4j/nd4j-cuda-11.6/1.0.0-M2.1/nd4j-cuda-11.6-1.0.0-M2.1-linux-x86_64-cudnn.jar

Standard library only. The fat binary layout (magic 0xBA55ED50, per-entry kind and sm version) is the one
cuobjdump reads; entries compressed with -Xfatbin -compress-all keep their headers readable.
"""
import collections
import shutil
import struct
import sys
import tempfile
import zipfile

FATBIN_MAGIC = 0xBA55ED50


def section(elf, name):
    """(offset, size) of the named section of a 64-bit little-endian ELF file."""
    elf.seek(0)
    header = elf.read(64)
    if header[:4] != b"\x7fELF" or header[4] != 2:
        raise SystemExit("not a 64-bit ELF file")
    shoff, = struct.unpack_from("<Q", header, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", header, 0x3A)
    elf.seek(shoff)
    headers = [elf.read(shentsize) for _ in range(shnum)]
    _, _, _, _, str_offset, str_size = struct.unpack_from("<IIQQQQ", headers[shstrndx])
    elf.seek(str_offset)
    names = elf.read(str_size)
    for raw in headers:
        name_at, _, _, _, offset, size = struct.unpack_from("<IIQQQQ", raw)
        if names[name_at:names.index(b"\0", name_at)].decode() == name:
            return offset, size
    raise SystemExit(f"no {name} section: not a CUDA library?")


def entries(data):
    """Counts of (kind, sm) over every fat binary in the section."""
    kinds = collections.Counter()
    position = 0
    while position + 16 <= len(data):
        magic, _, header_size, fat_size = struct.unpack_from("<IHHQ", data, position)
        if magic != FATBIN_MAGIC:
            position += 8  # fat binaries are 8-byte aligned
            continue
        entry = position + header_size
        end = entry + fat_size
        while entry < end:
            kind, _, entry_header_size, payload_size = struct.unpack_from("<HHIQ", data, entry)
            sm, = struct.unpack_from("<I", data, entry + 28)
            kinds[({1: "PTX", 2: "SASS"}.get(kind, f"kind {kind}"), sm)] += 1
            entry += entry_header_size + payload_size
        position = end
    return kinds


def main(path):
    with tempfile.TemporaryFile() as library:
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as jar:
                members = [m for m in jar.namelist() if m.endswith("/libnd4jcuda.so")]
                if not members:
                    raise SystemExit(f"no libnd4jcuda.so in {path}")
                with jar.open(members[0]) as source:
                    shutil.copyfileobj(source, library)
                print(f"{path}!{members[0]}")
        else:
            with open(path, "rb") as source:
                shutil.copyfileobj(source, library)
        offset, size = section(library, ".nv_fatbin")
        library.seek(offset)
        kinds = entries(library.read(size))
    for (kind, sm), count in sorted(kinds.items(), key=lambda item: (item[0][0], item[0][1])):
        print(f"{kind} sm_{sm}: {count} compilation units")
    if not any(kind == "PTX" for kind, _ in kinds):
        print("no PTX: GPUs newer than the highest sm above (another major version) cannot run this build")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    main(sys.argv[1])
