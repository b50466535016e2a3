#!/usr/bin/env python3
"""Solves a `tandem match export` directory with OR-Tools SimpleMinCostFlow.

The same model as Tandem's engine: most placements first (max flow), then least total cost, with
mentor capacities and school caps; locked pairs are placed first. Prints one line in Tandem's
format. Needs `pip install ortools numpy`. Run by hand (bench/compare), not in CI.
"""
import csv
import resource
import sys
import time

import numpy as np
from ortools.graph.python import min_cost_flow


def rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def main(directory):
    started = time.perf_counter()
    schools = rows(f"{directory}/schools.csv")
    mentors = rows(f"{directory}/mentors.csv")
    candidates = rows(f"{directory}/candidates.csv")
    try:
        locks = [(int(r["candidate"]), int(r["mentor"])) for r in rows(f"{directory}/locks.csv")]
    except FileNotFoundError:
        locks = []
    edges = np.loadtxt(f"{directory}/edges.csv", delimiter=",", skiprows=1, dtype=np.int64, ndmin=2)
    read_s = time.perf_counter() - started

    nc, nm, ns = len(candidates), len(mentors), len(schools)
    mentor_left = np.array([int(m["capacity"]) if m["eligible"] == "1" else 0 for m in mentors], dtype=np.int64)
    school_left = np.array([int(s["cap"]) for s in schools], dtype=np.int64)
    mentor_school = np.array([int(m["school"]) for m in mentors], dtype=np.int64)
    locked = np.zeros(nc, dtype=bool)
    lock_cost = 0
    cost_of = {}
    if locks:
        for c, m, cost in edges:
            cost_of[(int(c), int(m))] = int(cost)
    for c, m in locks:
        locked[c] = True
        mentor_left[m] -= 1
        school_left[mentor_school[m]] -= 1
        lock_cost += cost_of.get((c, m), 0)

    started = time.perf_counter()
    source, first_candidate = 0, 1
    first_mentor = first_candidate + nc
    first_school = first_mentor + nm
    sink = first_school + ns
    keep = ~locked[edges[:, 0]]
    e = edges[keep]
    free = np.flatnonzero(~locked)
    tails = np.concatenate([
        np.zeros(len(free), dtype=np.int64),
        first_candidate + e[:, 0],
        first_mentor + np.arange(nm),
        first_school + np.arange(ns),
    ])
    heads = np.concatenate([
        first_candidate + free,
        first_mentor + e[:, 1],
        first_school + mentor_school,
        np.full(ns, sink),
    ])
    caps = np.concatenate([
        np.ones(len(free), dtype=np.int64),
        np.ones(len(e), dtype=np.int64),
        np.maximum(mentor_left, 0),
        np.maximum(school_left, 0),
    ])
    costs = np.concatenate([np.zeros(len(free), dtype=np.int64), e[:, 2], np.zeros(nm + ns, dtype=np.int64)])
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
    # Offer every free candidate; the max-flow variant places as many as it can.
    flow.set_node_supply(source, len(free))
    flow.set_node_supply(sink, -len(free))
    status = flow.solve_max_flow_with_min_cost()
    solve_s = time.perf_counter() - started
    if status != flow.OPTIMAL:
        sys.exit(f"OR-Tools did not find the optimum: status {status}")
    placed = flow.maximum_flow() + len(locks)
    objective = flow.optimal_cost() + lock_cost
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    name = directory.rstrip("/").split("/")[-1]
    print(
        f"match scenario={name} solver=ortools candidates={nc} mentors={nm} edges={len(edges)} "
        f"placed={placed} objective={objective} read_s={read_s:.3f} solve_s={solve_s:.3f} peak_mb={peak_mb}"
    )


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: ortools_mcf.py DIR   (a directory written by `tandem match export`)")
    main(sys.argv[1])
