# SPDX-License-Identifier: GPL-2.0
"""Seeds of fuzz_pycode: real code objects of the interpreter running this
(3.10 to 3.13), as struct ws_py_code (bpf/whyslow.h) with the minor
version and an instruction index in front (tests/fuzz/fuzz_pycode.c).
Usage: python3.X pycode_seeds.py OUTDIR"""
import struct
import sys
import types
from pathlib import Path

NAME_LEN, FILE_LEN, LT_LEN = 96, 192, 3072


def pystr(s, size):
    """(kind, bytes) as CPython keeps s: ASCII, Latin-1, UCS-2 or UCS-4."""
    top = max(map(ord, s), default=0)
    kind, enc = ((0, "ascii") if top < 0x80 else (1, "latin-1")
                 if top < 0x100 else (2, "utf-16-le") if top < 0x10000
                 else (4, "utf-32-le"))
    return kind, s.encode(enc)[:size].ljust(size, b"\0")


def seed(code, instr):
    minor = sys.version_info.minor
    lt = code.co_linetable
    nk, name = pystr(code.co_name, NAME_LEN)
    qk, qual = pystr(getattr(code, "co_qualname", ""), NAME_LEN)
    fk, fname = pystr(code.co_filename, FILE_LEN)
    body = struct.pack("<iHHBBBB", code.co_firstlineno, min(len(lt), LT_LEN),
                       min(len(lt), 0xffff), nk, qk, fk, 0)
    body += name + qual + fname + lt[:LT_LEN].ljust(LT_LEN, b"\0")
    # the target zero-fills a short input
    return (bytes([minor - 10]) + struct.pack("<i", instr) +
            body.rstrip(b"\0"))


def codes(obj, seen):
    for c in obj.co_consts:
        if isinstance(c, types.CodeType) and id(c) not in seen:
            seen.add(id(c))
            yield c
            yield from codes(c, seen)


def main(out):
    import json.decoder, email.message, unicodedata  # noqa: F401
    src = "def façade_ŝ_\U00010000():\n" + "".join(
        f"    x{i} = {i}\n" for i in range(300)) + "    return x1\n"
    mods = [compile(src, "/tmp/ünïcode_路径.py", "exec"),
            compile(open(json.decoder.__file__).read(),
                    json.decoder.__file__, "exec"),
            compile(open(email.message.__file__).read(),
                    email.message.__file__, "exec")]
    out.mkdir(parents=True, exist_ok=True)
    n = 0
    for m in mods:
        for c in list(codes(m, set()))[:6]:
            units = len(c.co_code) // 2
            for instr in (0, units // 2, units - 1):
                path = out / f"py3{sys.version_info.minor}-{n:03d}"
                path.write_bytes(seed(c, instr))
                n += 1


main(Path(sys.argv[1]))
