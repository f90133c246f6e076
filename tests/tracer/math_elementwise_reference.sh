#!/bin/sh
# Runs math_elementwise.bpm with NumPy standing in for brainpy.math: its
# printed lines are the CHECK lines of the test.
#   sh tests/tracer/math_elementwise_reference.sh (needs python3 with numpy)
sed -e 's/^import brainpy.math as bm/import numpy as bm\nbm.jit = lambda f: f/' \
  "$(dirname "$0")/math_elementwise.bpm" | python3 -
