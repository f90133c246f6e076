#!/bin/sh
# Runs indexing_forms.bpm with NumPy standing in for brainpy.math: its printed
# lines are the CHECK lines of the test. bm.jit is the identity, a Variable a
# plain array (NumPy writes arrays in place as bpc writes Variables), and
# bm.grad a central difference in float64.
#   sh tests/tracer/indexing_forms_reference.sh (needs python3 with numpy)
{
  cat <<'PY'
import numpy as bm
bm.jit = lambda f: f
bm.Variable = lambda a: bm.array(a)
def _grad(f):
    def g(a, *rest):
        a = bm.asarray(a, dtype=bm.float64)
        out = bm.zeros_like(a)
        for i in bm.ndindex(a.shape):
            h = bm.zeros_like(a)
            h[i] = 1e-6
            out[i] = (f(a + h, *rest) - f(a - h, *rest)) / 2e-6
        return out
    return g
bm.grad = _grad
PY
  sed -e '/^import brainpy.math as bm/d' "$(dirname "$0")/indexing_forms.bpm"
} | python3 -
