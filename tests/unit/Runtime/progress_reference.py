# Prints the tqdm lines that ProgressTest.cpp expects from
# bpc_progress_format (tqdm 4.70.1: pip install tqdm).
from tqdm import tqdm

for done, total, elapsed in [(10000, 10000, 1.25), (370, 1000, 74.0), (1, 4, 2.0),
                             (1, 2, 3725.0), (0, 10, 0.0)]:
    print(repr(tqdm.format_meter(done, total, elapsed)))
