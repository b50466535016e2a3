//! Exact min-cost flow by successive shortest paths, one candidate at a time (as the Hungarian
//! method does for assignment), with Dijkstra on reduced costs.
//!
//! Network: candidate → group → (shared mentor) → school → sink, with mentor capacities and
//! school caps; and candidate → "unplaced" → sink at a cost larger than any placement can save,
//! so the optimum places as many candidates as possible and, among those placements, costs
//! least. A candidate's augmenting path may unseat another who then moves on or, if nothing is
//! left for them, becomes unplaced — so whom to place is decided exactly, not by processing order.
//!
//! Every unit goes from a node that has it to the nearest node short of one (the sink, while
//! candidates are pushed): so a solved network takes changes to some candidates' options by
//! taking back those candidates' units and sending them again (`unroute`), warm from the
//! flow and potentials it has, rather than solving everything again.
//!
//! A node keeps the arcs leaving it and, apart, the arcs entering it that carry flow (whose
//! reverse is residual): a popular school group is an option of hundreds of candidates, but a
//! search from it only walks back to the few placed there. Both are lists threaded through the
//! arcs, not a vector per node: arcs added together lie together in memory, an arc leaves the
//! carrying list of a crowded node at once, and building a network allocates no more than its
//! arcs. (On California this halved the solve.)

/// A radix heap: a priority queue for keys never below the last one taken, as Dijkstra's
/// distances on non-negative reduced costs are. A key waits in the bucket of the highest bit
/// in which it differs from the last key taken, so an entry moves at most 64 times, each time
/// towards bucket 0 (the keys equal to the last one taken).
///
/// Keys that tie come out last in, first out: a search walks on along the arcs it has just
/// reached, depth first across the wide plateaus of equal distance that reduced costs have
/// here, and so reaches the sink sooner than by taking ties in node order.
struct RadixHeap {
    last: u64,
    buckets: Vec<Vec<(u64, u32)>>,
}

impl RadixHeap {
    fn new() -> RadixHeap {
        RadixHeap {
            last: 0,
            buckets: vec![Vec::new(); 65],
        }
    }

    fn bucket(&self, key: u64) -> usize {
        (64 - (key ^ self.last).leading_zeros()) as usize
    }

    fn clear(&mut self) {
        self.last = 0;
        for bucket in &mut self.buckets {
            bucket.clear();
        }
    }

    fn push(&mut self, key: u64, node: u32) {
        debug_assert!(key >= self.last, "keys never go below the last taken");
        let b = self.bucket(key);
        self.buckets[b].push((key, node));
    }

    fn pop(&mut self) -> Option<(u64, u32)> {
        if self.buckets[0].is_empty() {
            // The lowest non-empty bucket holds the next key; spread it out from there.
            let i = (1..self.buckets.len()).find(|&i| !self.buckets[i].is_empty())?;
            let mut moving = std::mem::take(&mut self.buckets[i]);
            self.last = moving.iter().map(|e| e.0).min().unwrap_or(self.last);
            for &(key, node) in &moving {
                let b = self.bucket(key);
                self.buckets[b].push((key, node));
            }
            moving.clear();
            // (Every entry moved to a lower bucket, so bucket i is empty: keep the allocation.)
            self.buckets[i] = moving;
        }
        self.buckets[0].pop()
    }
}

/// What a search reads of an arc, in 16 bytes: a candidate's options, scanned one after
/// another, take two thirds of the memory they took with the arc's tail and capacity beside
/// them (those live apart, in `Network::tail` and `Network::cap`).
#[derive(Debug, Clone, Copy)]
struct Arc {
    to: u32,
    /// Capacity left: the capacity less the flow.
    room: i32,
    cost: i64,
}

/// A step of a residual path: an arc, forwards (adding flow) or backwards (removing it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Step(u32);

impl Step {
    const NONE: Step = Step(u32::MAX);

    fn new(arc: u32, backwards: bool) -> Step {
        Step(arc << 1 | u32::from(backwards))
    }

    fn arc(self) -> usize {
        (self.0 >> 1) as usize
    }

    fn backwards(self) -> bool {
        self.0 & 1 == 1
    }
}

/// The end of a list of arcs.
const END: u32 = u32::MAX;

/// What a search reads of a node, kept together: one cache line holds two nodes.
#[derive(Debug, Clone, Copy)]
struct Node {
    potential: i64,
    /// Distance from the current search's source (`i64::MAX` until reached).
    dist: i64,
    /// The step by which the current search reached the node.
    via: Step,
    /// Units the node still lacks: the sink, until every candidate is pushed; the head of an
    /// arc whose unit was taken back, until another unit reaches it.
    short: u32,
    /// The first of the arcs out of the node, in the order added, threaded through the arcs
    /// (`out_next`): no allocation per node, and arcs added together lie together.
    out_first: u32,
    /// The first of the arcs into the node that carry flow, doubly linked (`in_next`,
    /// `in_prev`) so that one leaves at once.
    in_first: u32,
}

pub struct Network {
    arcs: Vec<Arc>,
    tail: Vec<u32>,
    cap: Vec<i32>,
    nodes: Vec<Node>,
    out_last: Vec<u32>,
    out_next: Vec<u32>,
    in_next: Vec<u32>,
    in_prev: Vec<u32>,
    /// The nodes the current search reached: only these are reset before the next.
    touched: Vec<u32>,
    heap: RadixHeap,
    /// The nearest node short of a unit the current search has reached, and its distance.
    nearest: (i64, u32),
}

impl Network {
    /// A network of `nodes` nodes, with room for `arcs` arcs (more may be added).
    pub fn new(nodes: usize, arcs: usize) -> Network {
        Network {
            arcs: Vec::with_capacity(arcs),
            tail: Vec::with_capacity(arcs),
            cap: Vec::with_capacity(arcs),
            nodes: vec![
                Node {
                    potential: 0,
                    dist: i64::MAX,
                    via: Step::NONE,
                    short: 0,
                    out_first: END,
                    in_first: END,
                };
                nodes
            ],
            out_last: vec![END; nodes],
            out_next: Vec::with_capacity(arcs),
            in_next: Vec::with_capacity(arcs),
            in_prev: Vec::with_capacity(arcs),
            touched: Vec::new(),
            heap: RadixHeap::new(),
            nearest: (i64::MAX, u32::MAX),
        }
    }

    /// Says that `node` lacks `units` more units: sources' units go there.
    pub fn demand(&mut self, node: usize, units: u32) {
        self.nodes[node].short += units;
    }

    /// Takes back the unit `source` (a candidate: arcs out only) sends; `push_one` sends it
    /// again. The unit is taken back along its path as far as the arcs it leaves with room
    /// have zero reduced cost — at best up to the sink, where a search ends soonest — and the
    /// node where it stops is left short of it. So every residual arc keeps a non-negative
    /// reduced cost, and the potentials still prove what is left optimal.
    pub fn unroute(&mut self, source: usize) {
        let mut node = source;
        while let Some(a) = self
            .out(node)
            .find(|&a| self.flow(a) > 0 && (node == source || self.reduced(a) == 0))
        {
            node = self.arcs[a].to as usize;
            self.take(a);
        }
        if node != source {
            self.nodes[node].short += 1;
        }
    }

    /// Adds an arc; returns its index.
    pub fn add(&mut self, from: usize, to: usize, cap: i32, cost: i64) -> usize {
        let index = self.arcs.len();
        self.arcs.push(Arc {
            to: to as u32,
            room: cap,
            cost,
        });
        self.tail.push(from as u32);
        self.cap.push(cap);
        self.out_next.push(END);
        self.in_next.push(END);
        self.in_prev.push(END);
        match self.out_last[from] {
            END => self.nodes[from].out_first = index as u32,
            last => self.out_next[last as usize] = index as u32,
        }
        self.out_last[from] = index as u32;
        index
    }

    /// Moves a node's potential as low as its residual arcs allow. Potentials are not unique:
    /// any that keep every residual arc non-negative in reduced cost prove the flow optimal.
    /// Pricing compares them with the costs of arcs not yet in the network, and a node's
    /// potential is often higher than it needs to be, making arcs into it look negative.
    pub fn lower(&mut self, node: usize) {
        // Arcs out with room: cost + π(node) − π(to) ≥ 0; arcs in with flow (their reverse
        // is residual): cost + π(from) − π(node) ≤ 0.
        let out = self
            .out(node)
            .map(|a| &self.arcs[a])
            .filter(|a| a.room > 0)
            .map(|a| self.nodes[a.to as usize].potential - a.cost);
        let carrying = self
            .carrying(node)
            .map(|a| self.arcs[a].cost + self.nodes[self.tail[a] as usize].potential);
        if let Some(floor) = out.chain(carrying).max() {
            self.nodes[node].potential = self.nodes[node].potential.min(floor);
        }
    }

    /// Moves a candidate's potential (a node with arcs out only) as high as its residual arcs
    /// allow: the counterpart of `lower` for the tail of the arcs pricing looks at.
    pub fn raise(&mut self, node: usize) {
        // Arcs out with flow: cost + π(node) − π(to) ≤ 0.
        let ceiling = self
            .out(node)
            .filter(|&a| self.flow(a) > 0)
            .map(|a| self.nodes[self.arcs[a].to as usize].potential - self.arcs[a].cost)
            .min();
        if let Some(ceiling) = ceiling {
            self.nodes[node].potential = self.nodes[node].potential.max(ceiling);
        }
    }

    /// How many arcs there are: the index the next one added gets.
    pub fn arcs(&self) -> usize {
        self.arcs.len()
    }

    /// Flow on an arc.
    pub fn flow(&self, arc: usize) -> i32 {
        self.cap[arc] - self.arcs[arc].room
    }

    /// Raises a node's starting potential (before any flow) so that no arc out of it is
    /// negative in reduced cost: called downstream first, it keeps bonus arcs of negative cost
    /// non-negative in reduced cost.
    pub fn lift(&mut self, node: usize) {
        let floor = self
            .out(node)
            .map(|a| &self.arcs[a])
            .map(|a| self.nodes[a.to as usize].potential - a.cost)
            .max();
        if let Some(floor) = floor {
            self.nodes[node].potential = self.nodes[node].potential.max(floor);
        }
    }

    /// The cost of the flow: the sum of each arc's flow times its cost.
    pub fn cost(&self) -> i64 {
        (0..self.arcs.len())
            .map(|a| i64::from(self.flow(a)) * self.arcs[a].cost)
            .sum()
    }

    pub fn potential(&self, node: usize) -> i64 {
        self.nodes[node].potential
    }

    fn reduced(&self, a: usize) -> i64 {
        let arc = &self.arcs[a];
        arc.cost + self.nodes[self.tail[a] as usize].potential
            - self.nodes[arc.to as usize].potential
    }

    /// Sends one unit from `source` (a node with only outgoing arcs, none carrying flow) to the
    /// nearest node short of one; returns its cost, or `None` when none can be reached.
    pub fn push_one(&mut self, source: usize) -> Option<i64> {
        // Make the new source's arcs non-negative in reduced cost.
        let lift = self
            .out(source)
            .map(|a| self.arcs[a])
            .filter(|a| a.room > 0)
            .map(|a| self.nodes[a.to as usize].potential - a.cost)
            .max()?;
        self.nodes[source].potential = lift;
        let target = self.search(source)?;
        // Keep reduced costs non-negative: settled nodes move by their distance, all others by
        // the target's — the same, up to a constant, as moving settled nodes by distance − reach.
        // (Every node nearer than the target is settled, and those as near move by 0.)
        let reach = self.nodes[target].dist;
        for &node in &self.touched {
            let node = &mut self.nodes[node as usize];
            node.potential += (node.dist - reach).min(0);
        }
        self.nodes[target].short -= 1;
        Some(self.augment(source, target))
    }

    /// Dijkstra on reduced costs from `source` until the nearest node short of a unit is
    /// settled; returns it, or `None` when none can be reached.
    fn search(&mut self, source: usize) -> Option<usize> {
        for &node in &self.touched {
            let node = node as usize;
            self.nodes[node].dist = i64::MAX;
            self.nodes[node].via = Step::NONE;
        }
        self.touched.clear();
        self.heap.clear();
        self.nearest = (i64::MAX, u32::MAX);
        self.nodes[source].dist = 0;
        self.touched.push(source as u32);
        self.heap.push(0, source as u32);
        while let Some((d, node)) = self.heap.pop() {
            // Nothing left is nearer than the nearest target reached so far, so it is settled.
            // Ties go to the target: a plateau of zero reduced cost can be wide, and settling
            // it first was once most of the work.
            let d = d as i64;
            if d >= self.nearest.0 {
                return Some(self.nearest.1 as usize);
            }
            let node = node as usize;
            if d > self.nodes[node].dist {
                continue; // (reached again, nearer, since this entry was pushed)
            }
            // Distances on reduced costs, from this node's potential.
            let base = d + self.nodes[node].potential;
            let mut a = self.nodes[node].out_first;
            while a != END {
                let arc = self.arcs[a as usize];
                if arc.room > 0 {
                    let head = self.nodes[arc.to as usize].potential;
                    self.relax(base + arc.cost - head, arc.to, Step::new(a, false));
                }
                a = self.out_next[a as usize];
            }
            let mut a = self.nodes[node].in_first;
            while a != END {
                let (cost, from) = (self.arcs[a as usize].cost, self.tail[a as usize]);
                let tail = self.nodes[from as usize].potential;
                self.relax(base - cost - tail, from, Step::new(a, true));
                a = self.in_next[a as usize];
            }
        }
        None
    }

    fn relax(&mut self, distance: i64, to: u32, step: Step) {
        debug_assert!(distance >= 0, "reduced costs are never negative");
        let slot = &mut self.nodes[to as usize].dist;
        if distance < *slot {
            if *slot == i64::MAX {
                self.touched.push(to);
            }
            *slot = distance;
            self.nodes[to as usize].via = step;
            if self.nodes[to as usize].short > 0 && distance < self.nearest.0 {
                self.nearest = (distance, to);
            }
            self.heap.push(distance as u64, to);
        }
    }

    /// Moves one unit along the path the last search found; returns its cost.
    fn augment(&mut self, source: usize, target: usize) -> i64 {
        let mut cost = 0;
        let mut node = target;
        while node != source {
            let step = self.nodes[node].via;
            let a = step.arc();
            let arc = self.arcs[a];
            if step.backwards() {
                cost -= arc.cost;
                node = arc.to as usize;
                self.take(a);
            } else {
                cost += arc.cost;
                node = self.tail[a] as usize;
                self.give(a);
            }
        }
        cost
    }

    /// Adds a unit of flow to an arc.
    fn give(&mut self, a: usize) {
        let arc = &mut self.arcs[a];
        arc.room -= 1;
        if arc.room == self.cap[a] - 1 {
            // Its first unit: the arc joins its head's carrying list.
            let to = arc.to as usize;
            let first = self.nodes[to].in_first;
            self.in_next[a] = first;
            self.in_prev[a] = END;
            if first != END {
                self.in_prev[first as usize] = a as u32;
            }
            self.nodes[to].in_first = a as u32;
        }
    }

    /// Takes a unit of flow off an arc.
    fn take(&mut self, a: usize) {
        let arc = &mut self.arcs[a];
        arc.room += 1;
        if arc.room == self.cap[a] {
            // Its last unit: the arc leaves its head's carrying list.
            let (prev, next) = (self.in_prev[a], self.in_next[a]);
            match prev {
                END => self.nodes[arc.to as usize].in_first = next,
                prev => self.in_next[prev as usize] = next,
            }
            if next != END {
                self.in_prev[next as usize] = prev;
            }
        }
    }

    /// The arcs out of `node`, in the order added.
    fn out(&self, node: usize) -> Arcs<'_> {
        Arcs {
            next: &self.out_next,
            at: self.nodes[node].out_first,
        }
    }

    /// The arcs into `node` that carry flow.
    fn carrying(&self, node: usize) -> Arcs<'_> {
        Arcs {
            next: &self.in_next,
            at: self.nodes[node].in_first,
        }
    }

    /// The optimality certificate: no residual arc has a negative reduced cost.
    pub fn certified(&self) -> bool {
        (0..self.arcs.len()).all(|a| {
            let reduced = self.reduced(a);
            (self.arcs[a].room <= 0 || reduced >= 0) && (self.flow(a) <= 0 || reduced <= 0)
        })
    }
}

/// A walk along a list of arcs.
struct Arcs<'a> {
    next: &'a [u32],
    at: u32,
}

impl Iterator for Arcs<'_> {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        let a = self.at;
        (a != END).then(|| {
            self.at = self.next[a as usize];
            a as usize
        })
    }
}

#[cfg(test)]
mod tests {
    use super::RadixHeap;

    #[test]
    fn the_radix_heap_gives_keys_in_order_and_ties_last_in_first_out() {
        let mut heap = RadixHeap::new();
        let mut taken = Vec::new();
        // Keys pushed as a search pushes them: never below the last taken.
        let mut state = 12345u64;
        for round in 0..200u32 {
            for i in 0..5u32 {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let key =
                    heap.last + (state >> 33) % [0, 1, 7, 1000, 1 << 40][i as usize % 5].max(1);
                heap.push(key, round * 5 + i);
            }
            if let Some(entry) = heap.pop() {
                taken.push(entry);
            }
        }
        while let Some(entry) = heap.pop() {
            taken.push(entry);
        }
        assert_eq!(taken.len(), 1000);
        assert!(taken.windows(2).all(|w| w[0].0 <= w[1].0));
        heap.clear();
        for node in 0..3 {
            heap.push(5, node);
        }
        assert_eq!(heap.pop(), Some((5, 2)));
        heap.push(5, 7);
        assert_eq!(heap.pop(), Some((5, 7)));
        assert_eq!(heap.pop(), Some((5, 1)));
    }
}
