#!/usr/bin/env python3
"""Regenerates ArrayFormatCases.def from NumPy itself (NumPy >= 2.3):

    python3 gen_array_format_cases.py > ArrayFormatCases.def

For each array it records NumPy's str(), the repr a jax.Array holding it would
have and BrainPy's repr of a Variable holding it. The last two wrap
np.array2string exactly as jax.Array.__repr__ (jax/_src/array.py) and
brainpy.math.Array.__repr__ (brainpy/_src/math/ndarray.py) do; the two
functions below transcribe them, since neither library is installed here.
"""
import sys

import numpy as np

assert tuple(int(p) for p in np.__version__.split('.')[:2]) >= (2, 3), \
    'NumPy >= 2.3 wanted (float32 switches to exponent form at 1e6)'

F32, F64, I32, I64, B = np.float32, np.float64, np.int32, np.int64, np.bool_
DTYPES = {F32: 'F32', F64: 'F64', I32: 'I32', I64: 'I64', B: 'Bool'}


def jax_repr(a):
    prefix = 'Array('
    dtype_str = f'dtype={a.dtype.name})'
    line_width = np.get_printoptions()['linewidth']
    if a.size == 0:
        s = f'[], shape={a.shape}'
    else:
        s = np.array2string(a, prefix=prefix, suffix=',', separator=', ',
                            max_line_width=line_width)
    last_line_len = len(s) - s.rfind('\n') + 1
    sep = ' '
    if last_line_len + len(dtype_str) + 1 > line_width:
        sep = ' ' * len(prefix)
    return f'{prefix}{s},{sep}{dtype_str}'


def brainpy_repr(a, cls='Variable'):
    print_code = jax_repr(a)
    if ', dtype' in print_code:
        print_code = print_code.split(', dtype')[0] + ')'
    prefix = cls
    prefix2 = f'{cls}(value='
    if '\n' in print_code:
        lines = print_code.split('\n')
        blank1 = ' ' * len(prefix2)
        lines[0] = prefix2 + lines[0]
        for i in range(1, len(lines)):
            lines[i] = blank1 + lines[i]
        lines[-1] += ','
        blank2 = ' ' * (len(prefix) + 1)
        lines.append(f'{blank2}dtype={a.dtype})')
        return '\n'.join(lines)
    return prefix2 + print_code + f', dtype={a.dtype})'


def c(s):
    return '"' + s.replace('\\', '\\\\').replace('"', '\\"').replace('\n', '\\n') + '"'


nan, inf = float('nan'), float('inf')
explicit = [
    # integral floats, fractions, negatives, rounding to 8 digits
    ([0, 1, 2], F32), ([0.5, 1, 2.25], F32), ([-1.5, 2.25, 0], F32), ([0.1, 0.2, 0.3], F32),
    ([0.1, 0.2, 0.3], F64), ([1 / 3, 2 / 3], F64), ([1 / 3, 2 / 3], F32), ([1.1, 2.2], F32),
    ([1.1, 2.2], F64), ([12345.678, 0.001], F32), ([123.456789012, -7], F64),
    ([-0.0, 1], F32), ([-0.0], F64), ([0, 0, 0], F32), ([100, 200.5, -300.25], F64),
    ([0.0001, 1], F64), ([np.float32(1e-4), 1], F32), ([0.00011, 1], F32),
    # scientific notation: small, large, wide range
    ([1e-5, 1], F32), ([1e-5, 1], F64), ([1e8, 1], F64), ([99999999.0, 1], F64),
    ([1e6, 1], F32), ([999999.94], F32), ([1e6], F32), ([1e7], F32), ([1e8], F64),
    ([1, 1001], F64), ([1, 1000], F64), ([0, 1e-5, -2.5], F64), ([1.23456789012e-5, 1], F64),
    ([3.4028235e38, -1], F32), ([1e-300, 1], F64), ([1e300, -1e-300], F64), ([1e-45], F32),
    ([1.5e-10, 2.5e10, 3], F64),
    # exponent form pads float32 decimals with the value's true digits, not zeros
    ([7.7957028e-09, 4.0658783e+11, 5.81151e-13], F32), ([1.8718119e-05, 8.0316087e-05, -8.9720234e-05], F32),
    # nan and inf
    ([nan, 1], F32), ([inf, -inf, 1.5], F32), ([nan], F64), ([nan, inf], F64), ([-inf], F32),
    ([1e-5, nan, -inf], F64), ([nan, 0.5, 100], F32), ([inf, 1e10], F64),
    # ints and bools
    ([1, -20, 300], I32), ([0], I32), ([2**40, -5], I64), ([2**63 - 1, -2**63], I64),
    ([-2**31, 2**31 - 1], I32), ([True, False, True], B), ([False], B), ([True], B),
]
shaped = [
    (np.array(3.0, F32),), (np.array(0.1, F32),), (np.array(1 / 3, F64),), (np.array(5, I32),),
    (np.array(-7, I64),), (np.array(True),), (np.array(False),), (np.array(1e-5, F32),),
    (np.array(1e6, F32),), (np.array(123456.79, F32),), (np.array(nan, F32),),
    (np.array(-inf, F64),), (np.array(1e16, F64),), (np.array(-0.0, F32),),
    (np.array(0.0001, F32),), (np.array(0.0001, F64),),
    (np.zeros(0, F32),), (np.zeros((2, 0), I32),), (np.zeros((0, 3), B),),
    (np.arange(4, dtype=F32).reshape(2, 2),), (np.array([[1, -2.5], [300, 4]], F64),),
    (np.array([[1e-5, 1], [2, 3]], F32),), (np.array([[True, False], [False, True]]),),
    (np.arange(12, dtype=I32).reshape(2, 2, 3) - 5,), (np.arange(8, dtype=F64).reshape(2, 1, 2, 2),),
    (np.ones((1, 1), F32),), (np.ones((1,), I64),),
    # line wrapping
    (np.arange(30, dtype=F32),), (np.arange(30, dtype=I64) * 1000003,),
    (np.linspace(0, 1, 20, dtype=F64),), (np.linspace(-1, 1, 25, dtype=F32),),
    (np.arange(90, dtype=I32).reshape(3, 30),), (np.arange(26, dtype=F32) * 0.5,),
    (np.array([True, False] * 20),),
    # summarisation (> 1000 elements), also along inner axes
    (np.arange(1100, dtype=F32) * 0.25,), (np.arange(1001, dtype=I32),),
    (np.arange(1200, dtype=I32).reshape(40, 30),), (np.arange(1200, dtype=F64).reshape(2, 600) * 0.125 - 3,),
    (np.arange(1280, dtype=I64).reshape(8, 8, 20),), (np.arange(1200, dtype=F32).reshape(1200, 1) - 600,),
    (np.zeros(1500, B),),
]

print('// Generated by gen_array_format_cases.py with NumPy', np.__version__)
print('static const ArrayCase kArrayCases[] = {')
cases = [np.array(v, dtype=t) for v, t in explicit] + [s[0] for s in shaped]
for a in cases:
    flat = a.ravel()
    ramp = flat.size > 100 and flat.astype(F64)
    if ramp is not False and np.array_equal(ramp, ramp[0] + np.arange(flat.size) * (ramp[1] - ramp[0])):
        # A long arithmetic progression, exact in every dtype used here.
        data = f'@ramp {float(ramp[0])!r} {float(ramp[1] - ramp[0])!r}'
    elif a.dtype.kind == 'f':
        data = ' '.join(repr(float(x)) for x in flat)  # round-trips through strtod
    else:
        data = ' '.join(str(int(x)) for x in flat)
    shape = '{' + ', '.join(map(str, a.shape)) + '}'
    print(f'  {{DType::{DTYPES[a.dtype.type]}, {shape}, {c(data)},')
    print(f'   {c(str(a))},')
    print(f'   {c(jax_repr(a))},')
    print(f'   {c(brainpy_repr(a))}}},')
print('};')
