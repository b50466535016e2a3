//! Exact min-cost flow by successive shortest paths, one candidate at a time (as the Hungarian
//! method does for assignment), with Dijkstra on reduced costs.
//!
//! Network: candidate → mentor (the edges) → school → sink, with mentor capacities and school
//! caps; and candidate → "unplaced" → sink at a cost larger than any placement can save, so
//! the optimum places as many candidates as possible and, among those placements, costs least.
//! A candidate's augmenting path may unseat another who then moves on or, if nothing is left for
//! them, becomes unplaced — so whom to place is decided exactly, not by processing order.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

#[derive(Debug, Clone, Copy)]
struct Arc {
    to: u32,
    rev: u32,
    cap: i32,
    cost: i64,
}

pub struct Network {
    arcs: Vec<Arc>,
    adjacency: Vec<Vec<u32>>,
    potential: Vec<i64>,
    // Search state kept between searches; only the nodes a search touched are reset.
    dist: Vec<i64>,
    via: Vec<u32>,
    done: Vec<bool>,
    touched: Vec<u32>,
}

impl Network {
    pub fn new(nodes: usize) -> Network {
        Network {
            arcs: Vec::new(),
            adjacency: vec![Vec::new(); nodes],
            potential: vec![0; nodes],
            dist: vec![i64::MAX; nodes],
            via: vec![u32::MAX; nodes],
            done: vec![false; nodes],
            touched: Vec::new(),
        }
    }

    /// Adds an arc and its residual twin; returns the arc's index.
    pub fn add(&mut self, from: usize, to: usize, cap: i32, cost: i64) -> usize {
        let index = self.arcs.len();
        self.arcs.push(Arc {
            to: to as u32,
            rev: index as u32 + 1,
            cap,
            cost,
        });
        self.arcs.push(Arc {
            to: from as u32,
            rev: index as u32,
            cap: 0,
            cost: -cost,
        });
        self.adjacency[from].push(index as u32);
        self.adjacency[to].push(index as u32 + 1);
        index
    }

    /// Capacity left on an arc.
    pub fn residual(&self, arc: usize) -> i32 {
        self.arcs[arc].cap
    }

    /// Sets a node's starting potential (before any flow), to keep an arc of negative cost
    /// non-negative in reduced cost.
    pub fn set_potential(&mut self, node: usize, value: i64) {
        self.potential[node] = value;
    }

    pub fn potential(&self, node: usize) -> i64 {
        self.potential[node]
    }

    fn reduced(&self, from: usize, arc: &Arc) -> i64 {
        arc.cost + self.potential[from] - self.potential[arc.to as usize]
    }

    /// Sends one unit from `source` (a node with only outgoing arcs so far) to `sink` along a
    /// cheapest path; returns its cost, or `None` when the sink cannot be reached.
    pub fn push_one(&mut self, source: usize, sink: usize) -> Option<i64> {
        // Make the new source's arcs non-negative in reduced cost.
        let lift = self.adjacency[source]
            .iter()
            .map(|&a| self.arcs[a as usize])
            .filter(|a| a.cap > 0)
            .map(|a| self.potential[a.to as usize] - a.cost)
            .max()?;
        self.potential[source] = lift;

        for &node in &self.touched {
            let node = node as usize;
            self.dist[node] = i64::MAX;
            self.via[node] = u32::MAX;
            self.done[node] = false;
        }
        self.touched.clear();
        let mut heap = BinaryHeap::new();
        self.dist[source] = 0;
        self.touched.push(source as u32);
        heap.push(Reverse((0i64, source as u32)));
        while let Some(Reverse((d, node))) = heap.pop() {
            let node = node as usize;
            if self.done[node] {
                continue;
            }
            self.done[node] = true;
            if node == sink {
                break;
            }
            for &a in &self.adjacency[node] {
                let arc = self.arcs[a as usize];
                if arc.cap <= 0 {
                    continue;
                }
                let next = d + self.reduced(node, &arc);
                let to = arc.to as usize;
                if next < self.dist[to] {
                    if self.dist[to] == i64::MAX {
                        self.touched.push(arc.to);
                    }
                    self.dist[to] = next;
                    self.via[to] = a;
                    heap.push(Reverse((next, arc.to)));
                }
            }
        }
        if !self.done[sink] {
            return None;
        }
        // Keep reduced costs non-negative: settled nodes move by their distance, all others by
        // the sink's — the same, up to a constant, as moving settled nodes by distance − reach.
        let reach = self.dist[sink];
        for &node in &self.touched {
            let node = node as usize;
            if self.done[node] {
                self.potential[node] += self.dist[node] - reach;
            }
        }
        let mut cost = 0;
        let mut node = sink;
        while node != source {
            let a = self.via[node] as usize;
            let rev = self.arcs[a].rev as usize;
            self.arcs[a].cap -= 1;
            self.arcs[rev].cap += 1;
            cost += self.arcs[a].cost;
            node = self.arcs[rev].to as usize;
        }
        Some(cost)
    }

    /// The optimality certificate: no residual arc has a negative reduced cost.
    pub fn certified(&self) -> bool {
        self.adjacency.iter().enumerate().all(|(from, arcs)| {
            arcs.iter()
                .map(|&a| &self.arcs[a as usize])
                .all(|arc| arc.cap <= 0 || self.reduced(from, arc) >= 0)
        })
    }
}
