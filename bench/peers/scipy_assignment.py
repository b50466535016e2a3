#!/usr/bin/env python3
"""Solves a `tandem match export` directory with scipy's sparse assignment
(min_weight_full_bipartite_matching), for a time comparison.

scipy's assignment has no school caps, so this solves the relaxation without them: every candidate
gets a mentor or an "unplaced" column of very high cost; mentor capacities are expanded into seats.
Its objective is a lower bound on the real one, not equal to it. Needs `pip install scipy numpy`.
"""
import csv
import resource
import sys
import time

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import min_weight_full_bipartite_matching


def main(directory):
    started = time.perf_counter()
    with open(f"{directory}/mentors.csv", newline="") as f:
        capacity = np.array([int(r["capacity"]) for r in csv.DictReader(f)], dtype=np.int64)
    with open(f"{directory}/candidates.csv", newline="") as f:
        nc = sum(1 for _ in csv.DictReader(f))
    edges = np.loadtxt(f"{directory}/edges.csv", delimiter=",", skiprows=1, dtype=np.int64, ndmin=2)
    read_s = time.perf_counter() - started

    started = time.perf_counter()
    # One column per mentor seat, then one "unplaced" column per candidate.
    seat_start = np.concatenate([[0], np.cumsum(capacity)])
    rows, cols, costs = [], [], []
    for extra in range(int(capacity.max(initial=1))):
        has = capacity[edges[:, 1]] > extra
        e = edges[has]
        rows.append(e[:, 0])
        cols.append(seat_start[e[:, 1]] + extra)
        costs.append(e[:, 2] + 1)  # scipy treats explicit zeros as missing edges
    seats = int(seat_start[-1])
    unplaced = int(edges[:, 2].max(initial=0) + 1) * (nc + 1)
    rows.append(np.arange(nc))
    cols.append(seats + np.arange(nc))
    costs.append(np.full(nc, unplaced))
    matrix = coo_matrix(
        (np.concatenate(costs).astype(np.float64), (np.concatenate(rows), np.concatenate(cols))),
        shape=(nc, seats + nc),
    ).tocsr()
    row, col = min_weight_full_bipartite_matching(matrix)
    solve_s = time.perf_counter() - started
    placed = int(np.sum(col < seats))
    objective = int(sum(matrix[r, c] - 1 for r, c in zip(row, col) if c < seats))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    name = directory.rstrip("/").split("/")[-1]
    print(
        f"match scenario={name} solver=scipy-no-school-caps candidates={nc} edges={len(edges)} "
        f"placed={placed} objective={objective} read_s={read_s:.3f} solve_s={solve_s:.3f} peak_mb={peak_mb}"
    )


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: scipy_assignment.py DIR   (a directory written by `tandem match export`)")
    main(sys.argv[1])
