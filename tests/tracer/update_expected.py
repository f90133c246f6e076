#!/usr/bin/env python3
"""Regenerates the CHECK lines of tracer golden tests from CPython itself.

    python3 tests/tracer/update_expected.py tests/tracer/*.bpm

Each test is plain Python. Its CHECK lines are replaced by what python3
prints when it runs the file as __main__. For a test whose RUN line starts
with `not`, the uncaught exception is expected too: one `note:` per calling
frame and the `error:` line with CPython's message at the innermost frame's
line:col, followed by the source line and the caret line.
"""
import io
import os
import re
import subprocess
import sys
import traceback
from contextlib import redirect_stdout


def escape(text):
    """Makes a line of program output safe as a FileCheck pattern."""
    # FileCheck treats [[ and {{ as variable/regex syntax.
    return re.sub(r'(\[\[|\]\]|\{\{|\}\})', lambda m: '{{' + re.escape(m.group(1)) + '}}', text)


def run(path, source):
    out = io.StringIO()
    error = None
    glb = {'__name__': '__main__', '__file__': path}
    try:
        with redirect_stdout(out):
            exec(compile(source, path, 'exec'), glb)
    except BaseException as exc:  # noqa: B902 - we report whatever escapes
        frames = []
        tb = exc.__traceback__.tb_next  # skip this runner's frame
        while tb is not None:
            code = tb.tb_frame.f_code
            pos = list(code.co_positions())[tb.tb_lasti // 2]
            if code.co_filename == path:
                frames.append((code.co_name, pos))
            tb = tb.tb_next
        error = (frames, ''.join(traceback.format_exception_only(type(exc), exc)).strip())
    return out.getvalue(), error


def main(paths):
    for path in paths:
        with open(path) as f:
            text = f.read()
        if '# EXPECTED: by hand' in text:
            # bpc deliberately differs from CPython here (64-bit ints, stub
            # modules); the file says why and its CHECK lines are hand-written.
            continue
        lines = [l for l in text.split('\n') if not l.lstrip().startswith('# CHECK')]
        while lines and lines[-1] == '':
            lines.pop()
        source = '\n'.join(lines) + '\n'
        expect_error = any(re.match(r'#\s*RUN:\s*not\b', l) for l in lines)
        # A test may run another file (`%examples/lif_scalar.bpm`).
        target = path
        for l in lines:
            m = re.search(r'%examples/(\S+)', l) if l.startswith('# RUN:') else None
            if m:
                target = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                      '..', '..', 'examples', m.group(1))
        if target != path:
            with open(target) as f:
                output, error = run(target, f.read())
        else:
            output, error = run(path, source)
        checks = []
        for i, line in enumerate(output.rstrip('\n').split('\n') if output else []):
            directive = 'CHECK' if i == 0 else 'CHECK-NEXT'
            checks.append(f'# {directive}: {escape(line)}' if line.strip() else '# CHECK-EMPTY:')
        if expect_error != (error is not None):
            sys.exit(f'{path}: expected {"an" if expect_error else "no"} uncaught exception, '
                     f'python3 says {error[1] if error else "none"}')
        if error:
            frames, message = error
            name = path.split('/')[-1]
            outer = frames[:-1]
            i = 0
            while i < len(outer):
                func, (line, _, col, _) = outer[i]
                repeat = 1
                while i + repeat < len(outer) and outer[i + repeat] == outer[i]:
                    repeat += 1
                note = f'# CHECK: {{{{.*}}}}{name}:{line}:{col + 1}: note: in {{{{.*}}}}{escape(func)}'
                # Deep recursion: bpc, like CPython, shows a repeated frame
                # three times and then says how often it repeats (this
                # runner's own frames make CPython's count inexact here).
                checks += [note] * min(repeat, 3)
                if repeat > 3:
                    checks.append(note + ': the call above repeats {{[0-9]+}} more times')
                i += repeat
            func, (line, _, col, _) = frames[-1]
            checks.append(f'# CHECK: {{{{.*}}}}{name}:{line}:{col + 1}: error: {escape(message)}')
            checks.append(f'# CHECK-NEXT: {escape(lines[line - 1].strip())}')
            checks.append('# CHECK-NEXT: ^')
            # CPython's traceback printer (not the exception) adds a
            # "Did you mean" hint; bpc gives it as a note.
            stderr = subprocess.run([sys.executable, target], capture_output=True, text=True).stderr
            hint = re.search(r"Did you mean: '([^']+)'\?\s*$", stderr)
            if hint:
                checks.append(f"# CHECK: {{{{.*}}}}{name}:{line}:{col + 1}: note: did you mean '{hint.group(1)}'?")
        with open(path, 'w') as f:
            f.write(source + '\n' + '\n'.join(checks) + '\n')


if __name__ == '__main__':
    main(sys.argv[1:])
