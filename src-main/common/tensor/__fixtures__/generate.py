# Writes the golden .npy fixtures for npy.test.ts with numpy itself (np.save / np.lib.format.write_array).
# Run once from the repository root, with Debian's Python (numpy 1.24):
#   /usr/bin/python3 src-main/common/tensor/__fixtures__/generate.py
# The files are committed (each well under 1 KB); the tests never regenerate them. Everything is
# deterministic, so a re-run rewrites the same bytes.
#
# expected.json maps each file to what parseNpy must return:
#   dtype (Lathe's name), shape, values (flat, C order; "nan"/"inf"/"-inf" for those floats, 64-bit ints
#   as decimal strings), and either roundTrip (writeNpy(parseNpy(file)) is the file, byte for byte) or
#   sameAs (writeNpy gives that other fixture: the C-order little-endian v1.0 file numpy writes for the
#   same array). Files under refused/ must be refused with a message containing `error`.
import json
import math
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
LATHE = {
    "float16": "float16", "float32": "float32", "float64": "float64", "int8": "int8", "uint8": "uint8",
    "int16": "int16", "uint16": "uint16", "int32": "int32", "uint32": "uint32", "int64": "int64",
    "uint64": "uint64", "bool": "bool",
}


def flat_values(a):
    out = []
    for v in np.ascontiguousarray(a).reshape(-1).tolist():
        if isinstance(v, bool):
            out.append(v)
        elif isinstance(v, float):
            out.append("nan" if math.isnan(v) else "inf" if v == math.inf else "-inf" if v == -math.inf else v)
        elif isinstance(v, int) and a.dtype.itemsize == 8:
            out.append(str(v))
        else:
            out.append(v)
    return out


expected = {}


def save(name, a, same_as=None, version=None):
    path = os.path.join(HERE, name)
    if version is None:
        np.save(path, a)
    else:
        with open(path, "wb") as f:
            np.lib.format.write_array(f, a, version=version)
    dtype = "string" if a.dtype.kind == "U" else LATHE[a.dtype.newbyteorder("=").name]
    entry = {"dtype": dtype, "shape": list(a.shape), "values": flat_values(a)}
    if same_as:
        entry["sameAs"] = same_as
    else:
        entry["roundTrip"] = True
    expected[name] = entry


def refuse(name, a, error, **kw):
    os.makedirs(os.path.join(HERE, "refused"), exist_ok=True)
    np.save(os.path.join(HERE, "refused", name), a, **kw)
    expected["refused/" + name] = {"error": error}


# Every dtype, little-endian, C order.
save("f4_2x3.npy", (np.arange(6, dtype=np.float32).reshape(2, 3) * 0.5 - 1))
save("f8_special.npy", np.array([0.0, -0.0, 1e-300, -2.5, math.pi, np.nan, np.inf, -np.inf, 1e300], dtype=np.float64))
save("f2_values.npy", np.array([0, 1, -2, 0.1, 65504, 6e-8, 6.1e-5, np.inf, -np.inf, 1 / 3], dtype=np.float16))
save("i1.npy", np.array([-128, -1, 0, 1, 127], dtype=np.int8))
save("u1.npy", np.array([0, 1, 128, 255], dtype=np.uint8))
save("i2.npy", np.array([-32768, -1, 0, 32767], dtype=np.int16))
save("u2.npy", np.array([0, 1, 40000, 65535], dtype=np.uint16))
save("i4_2x2.npy", np.array([[-(2**31), -1], [0, 2**31 - 1]], dtype=np.int32))
save("u4.npy", np.array([0, 1, 3000000000, 2**32 - 1], dtype=np.uint32))
save("i8.npy", np.array([-(2**63), -1, 0, 2**53 + 1, 2**63 - 1], dtype=np.int64))
save("u8.npy", np.array([0, 1, 2**63, 2**64 - 1], dtype=np.uint64))
save("b1_2x3.npy", np.array([[True, False, True], [False, False, True]]))
save("unicode.npy", np.array(["a", "héllo", "", "日本"]))

# Shapes: 0-d, empty, rank 4.
save("scalar_f4.npy", np.array(3.25, dtype=np.float32))
save("empty_0x3_f4.npy", np.zeros((0, 3), dtype=np.float32))
save("f4_2x3x2x2.npy", np.arange(24, dtype=np.float32).reshape(2, 3, 2, 2) / 7)

# What numpy writes differently for the same array: Fortran order, big-endian, format 2.0 and 3.0.
save("i2_2x3x4.npy", np.arange(24, dtype=np.int16).reshape(2, 3, 4) - 12)
save("fortran_i2_2x3x4.npy", np.asfortranarray(np.arange(24, dtype=np.int16).reshape(2, 3, 4) - 12), same_as="i2_2x3x4.npy")
save("bigendian_f4_2x3.npy", (np.arange(6, dtype=np.float32).reshape(2, 3) * 0.5 - 1).astype(">f4"), same_as="f4_2x3.npy")
save("bigendian_i8.npy", np.array([-(2**63), -1, 0, 2**53 + 1, 2**63 - 1], dtype=">i8"), same_as="i8.npy")
save("v2_f4_2x3.npy", (np.arange(6, dtype=np.float32).reshape(2, 3) * 0.5 - 1), same_as="f4_2x3.npy", version=(2, 0))
save("v3_f4_2x3.npy", (np.arange(6, dtype=np.float32).reshape(2, 3) * 0.5 - 1), same_as="f4_2x3.npy", version=(3, 0))

# Refused: objects, structured records, complex numbers.
refuse("object.npy", np.array([1, "a", None], dtype=object), "'|O' (Python objects)", allow_pickle=True)
refuse("structured.npy", np.zeros(2, dtype=[("x", "<f4"), ("y", "<i4")]), "structured dtype")
refuse("complex64.npy", np.array([1 + 2j], dtype=np.complex64), "'<c8' (complex64)")

with open(os.path.join(HERE, "expected.json"), "w") as f:
    json.dump(expected, f, indent=1, ensure_ascii=False)
    f.write("\n")
