"""The seeds' line fitted with SciPy's curve_fit: the peer for `downhill fit line --model "y = m*x + b" --optimizer lm`."""
import csv, io, sys
import numpy as np
from scipy.optimize import curve_fit

# The seeds' 20 points, the same as Downhill's built-in `line` set (y = 2x + 30), in the same order.
# The script reads them as text through csv, as Downhill reads its built-in set through its CSV reader.
LINE = """x,y
7,44
9,48
28,86
30,90
50,130
22,74
3,36
23,76
40,110
1,32
5,40
12,54
15,60
18,66
26,82
33,96
36,102
44,118
47,124
55,140
"""
rows = list(csv.DictReader(open(sys.argv[1]) if len(sys.argv) > 1 else io.StringIO(LINE)))
x = np.array([float(r["x"]) for r in rows]); y = np.array([float(r["y"]) for r in rows])
(m, b), cov = curve_fit(lambda x, m, b: m * x + b, x, y, p0=[1.0, 1.0])
print(f"m = {m:.6g}, b = {b:.6g}")
