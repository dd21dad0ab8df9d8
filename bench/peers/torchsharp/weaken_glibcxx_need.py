#!/usr/bin/python3
"""Lets TorchSharp 0.107's native wrapper load on Debian 12 (libstdc++ from GCC 12).

libLibTorchSharp.so was built with GCC 13 and asks for the symbol version GLIBCXX_3.4.32 for a
single function, std::ios_base_library_init() (GCC 13's hook that sets up cin/cout); everything
else it needs is in GLIBCXX_3.4.30 or older, and libtorch itself needs only 3.4.26. The dynamic
loader refuses a library whose version needs are not all met, unless a need is marked WEAK.
This script sets the WEAK flag (VER_FLG_WEAK = 2) on that one need, in place; run it after each
build. bench/run also preloads a one-function shim that defines std::ios_base_library_init(), so
the symbol resolves if it is ever called. The numeric code in libtorch is untouched.

Usage: weaken_glibcxx_need.py path/to/libLibTorchSharp.so
"""
import struct
import sys

VER_FLG_WEAK = 0x2
NEED = "GLIBCXX_3.4.32"


def elf_hash(name):
    h = 0
    for c in name.encode():
        h = (h << 4) + c
        g = h & 0xF0000000
        if g:
            h ^= g >> 24
        h &= ~g & 0xFFFFFFFF
    return h


def section_offset(data, wanted_type):
    """File offset of the first section of the given sh_type (ELF64 little-endian only)."""
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        raise SystemExit("not a 64-bit little-endian ELF file")
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
    for i in range(shnum):
        sh_type, = struct.unpack_from("<I", data, shoff + i * shentsize + 4)
        if sh_type == wanted_type:
            offset, = struct.unpack_from("<Q", data, shoff + i * shentsize + 0x18)
            return offset
    raise SystemExit("no .gnu.version_r section")


def main(path):
    data = bytearray(open(path, "rb").read())
    entry = section_offset(data, 0x6FFFFFFE)  # SHT_GNU_verneed
    patched = 0
    while True:
        _, count, _, aux, next_entry = struct.unpack_from("<HHIII", data, entry)
        at = entry + aux
        for _ in range(count):
            hash_value, flags, _, _, next_aux = struct.unpack_from("<IHHII", data, at)
            if hash_value == elf_hash(NEED) and not flags & VER_FLG_WEAK:
                struct.pack_into("<H", data, at + 4, flags | VER_FLG_WEAK)
                patched += 1
            if next_aux == 0:
                break
            at += next_aux
        if next_entry == 0:
            break
        entry += next_entry
    if patched:
        open(path, "wb").write(data)
    print(f"{path}: {NEED} need marked weak" if patched else f"{path}: nothing to do", file=sys.stderr)


main(sys.argv[1])
