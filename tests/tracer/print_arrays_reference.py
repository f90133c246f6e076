#!/usr/bin/env python3
"""Regenerates the CHECK lines of print_arrays.bpm from NumPy (>= 2.3):

    python3 tests/tracer/print_arrays_reference.py

It runs print_arrays.bpm with a stand-in for brainpy.math whose arrays are
NumPy arrays: str() and print are NumPy's own; repr wraps np.array2string as
jax.Array.__repr__ (jax/_src/array.py) and brainpy.math.Array.__repr__
(brainpy/_src/math/ndarray.py) do, transcribed below since neither library
is installed here. Dtypes follow JAX with 64-bit off (float32 and int32 by
default), as bpc does. The CHECK lines are written with --strict-whitespace
--match-full-lines in mind: `# CHECK:TEXT` with no space after the colon.
gen_array_format_cases.py (the unit tests' cases) uses the same repr code.
"""
import io
import os
import re
import sys
import types
from contextlib import redirect_stdout

import numpy as np


def numpy_is_recent():
    """NumPy 2.3 moved float32's exponent cutoff from 1e8 to 1e6."""
    return tuple(int(p) for p in np.__version__.split('.')[:2]) >= (2, 3)


def jax_repr(a):
    """jax.Array.__repr__ of an array holding `a`."""
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


def brainpy_repr(a, cls):
    """brainpy.math.Array.__repr__ of an instance of class `cls` holding `a`."""
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


#===------------------------------------------------------------------------===#
# A NumPy stand-in for the part of brainpy.math the test uses
#===------------------------------------------------------------------------===#

def value(x):
    return x.value if isinstance(x, Array) else x


def jax_dtype(result, *operands):
    """JAX with 64-bit off: 64-bit results only from 64-bit array operands."""
    wide = any(isinstance(o, Array) and o.value.dtype.itemsize == 8 for o in operands)
    if not wide and result.dtype == np.float64:
        return result.astype(np.float32)
    if not wide and result.dtype == np.int64:
        return result.astype(np.int32)
    return result


class Array:
    def __init__(self, v):
        self.value = np.asarray(v)

    def __str__(self):
        return str(self.value)

    def __repr__(self):
        # BrainPy's functions return a bare jax.Array for 0-d results.
        if self.value.ndim == 0 and type(self) is Array:
            return jax_repr(self.value)
        return brainpy_repr(self.value, type(self).__name__)

    def __format__(self, spec):
        return format(self.value[()] if self.value.ndim == 0 else self.value, spec)

    def reshape(self, *shape):
        return Array(self.value.reshape(*shape))

    def sum(self):
        return Array(jax_dtype(np.asarray(self.value.sum()), self))

    def any(self):
        return Array(self.value.any())


def binary(op):
    return lambda a, b: Array(jax_dtype(op(value(a), value(b)), a, b))


for name, op in [('add', np.add), ('sub', np.subtract), ('mul', np.multiply),
                 ('truediv', np.true_divide), ('gt', np.greater), ('eq', np.equal)]:
    setattr(Array, f'__{name}__', binary(op))


class Variable(Array):
    def __init__(self, v):
        super().__init__(value(v))


class TrainVar(Variable):
    pass


def default_dtype(v, dtype):
    if dtype is not None:
        return dtype
    return np.bool_ if isinstance(v, bool) else np.int32 if isinstance(v, int) else np.float32


def make_bm():
    bm = types.ModuleType('brainpy.math')
    bm.float32, bm.float64, bm.int32, bm.int64 = 'float32', 'float64', 'int32', 'int64'
    bm.Array, bm.Variable, bm.TrainVar = Array, Variable, TrainVar
    bm.asarray = lambda v: Array(jax_dtype(np.asarray(v)))
    bm.zeros = lambda shape, dtype=None: Array(np.zeros(shape, dtype or np.float32))
    bm.ones = lambda shape, dtype=None: Array(np.ones(shape, dtype or np.float32))
    bm.full = lambda shape, v, dtype=None: Array(np.full(shape, v, default_dtype(v, dtype)))
    bm.arange = lambda n: Array(np.arange(n, dtype=np.int32))
    bm.where = lambda c, x, y: Array(np.where(value(c), value(x), value(y)))
    bm.jit = lambda f: f
    return bm


def escape(line):
    """A line of output as a FileCheck pattern ([[ and ]] are its syntax)."""
    return re.sub(r'(\[\[|\]\]|\{\{|\}\})', lambda m: '{{' + re.escape(m.group(1)) + '}}', line)


def main():
    assert numpy_is_recent(), 'NumPy >= 2.3 wanted'
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'print_arrays.bpm')
    with open(path) as f:
        lines = [l for l in f.read().split('\n') if not l.startswith('# CHECK')]
    while lines and lines[-1] == '':
        lines.pop()
    source = '\n'.join(lines) + '\n'
    brainpy = types.ModuleType('brainpy')
    brainpy.math = make_bm()
    sys.modules['brainpy'], sys.modules['brainpy.math'] = brainpy, brainpy.math
    out = io.StringIO()
    with redirect_stdout(out):
        exec(compile(source, path, 'exec'), {'__name__': '__main__'})
    checks = []
    for i, line in enumerate(out.getvalue().rstrip('\n').split('\n')):
        assert line == line.rstrip(), f'trailing blanks cannot be checked: {line!r}'
        directive = 'CHECK' if i == 0 else 'CHECK-NEXT'
        checks.append(f'# {directive}:{escape(line)}' if line else '# CHECK-EMPTY:')
    with open(path, 'w') as f:
        f.write(source + '\n' + '\n'.join(checks) + '\n')


if __name__ == '__main__':
    main()
