//! The cohort weight: a charge paid once for each (program, school) pair a solution uses,
//! which keeps a program's candidates together in fewer schools. A fixed charge is not a
//! network cost, so it is solved on top of the network:
//!
//! - **Bounding** (Lagrangian relaxation): every placement in a pair pays its share ν of the
//!   weight spread over the most the pair can take, plus the candidate's own share μ; while
//!   ν + Σμ stays within the weight, no solution pays the network more than it truly costs, so
//!   each network optimum is a lower bound. Subgradient steps (Polyak's) move the shares onto
//!   the candidates who use the pair, raising the bound.
//! - **Searching**: each network solution is improved by moving candidates out of the pairs
//!   they alone use into pairs their program already uses (`improve_cohorts`), and pairs are priced
//!   at the weight shared among their placements, the rest at the whole weight (dynamic slope
//!   scaling), until the prices repeat.
//!
//! The cheapest solution found is the answer, with its proven gap.
//!
//! Also here, for the cohort size (the cap on a program's candidates per school, priced and
//! repaired in `lib.rs`): `fill_under_cap` places whom the repair left out where room is left.

use std::collections::HashMap;

use crate::{Placement, Prepared, edges, placement};

/// What options pay towards the cohort weight in the network.
#[derive(Default)]
pub(crate) struct Prices {
    /// Per (program, school): how many of the program's candidates (not locked) could go there.
    reach: HashMap<(u32, u32), i64>,
    /// Bounding rather than searching.
    bounding: bool,
    /// Bounding: per pair, the share ν paid by every placement there, before it is spread over
    /// the most the pair can take (absent: the whole weight)…
    spread: HashMap<(u32, u32), i64>,
    /// …and the candidates' own shares μ: ν + Σμ within the weight.
    own: HashMap<(u32, u32), Vec<(u32, i64)>>,
    /// Searching: per pair, its price (absent: the whole weight).
    slope: HashMap<(u32, u32), i64>,
}

/// Network solutions while bounding, and slope-scaling rounds while searching, at most.
const BOUNDING_ROUNDS: usize = 20;
const SEARCHING_ROUNDS: usize = 4;

impl Prepared<'_> {
    /// What candidate `c`'s option in `school` pays towards the cohort weight in the network.
    /// Pairs a lock already uses pay nothing.
    pub(crate) fn cohort_price(&self, c: usize, school: u32) -> i64 {
        let pair = (self.instance.candidates[c].program, school);
        let (weight, prices) = (self.rules.weights.cohort, &self.cohorts);
        if self.locked_pairs.contains_key(&pair) {
            return 0;
        }
        if !prices.bounding {
            return prices.slope.get(&pair).copied().unwrap_or(weight);
        }
        let own = (prices.own.get(&pair))
            .and_then(|shares| shares.iter().find(|(x, _)| *x == c as u32))
            .map_or(0, |(_, share)| *share);
        own + prices.spread.get(&pair).copied().unwrap_or(weight) / self.pair_most(pair)
    }

    /// The most placements a (program, school) pair can take: its candidates who could go
    /// there, the school's room and the cap's.
    fn pair_most(&self, pair: (u32, u32)) -> i64 {
        let mut most = self.school_left[pair.1 as usize]
            .min(self.cohorts.reach.get(&pair).copied().unwrap_or(0));
        if let Some(cap) = self.rules.program_school_cap {
            most = most.min(self.pair_room(cap, &pair));
        }
        most.max(1)
    }

    /// Charges the cohort weight to the first placement (by candidate) of each program in each
    /// school that no lock of the program uses.
    pub(crate) fn charge_cohorts(&self, placements: &mut [Placement]) {
        let weight = self.rules.weights.cohort;
        if weight == 0 {
            return;
        }
        let mut opened = std::collections::HashSet::new();
        for p in placements.iter_mut().filter(|p| !p.locked) {
            let pair = (
                self.instance.candidates[p.candidate as usize].program,
                p.school,
            );
            if !self.locked_pairs.contains_key(&pair) && opened.insert(pair) {
                p.cost.cohort = weight;
            }
        }
    }

    /// The answer under a cohort weight (see the module): returned as `placed` returns one,
    /// with how far its cost may be above the optimum (`None` when no bound is proven).
    /// Searching comes last, from the best solution bounding found; both stop once the gap
    /// is within 1 %.
    pub(crate) fn gather_cohorts(
        &mut self,
        unplaced_cost: i64,
    ) -> (Vec<Placement>, Vec<u32>, Option<i64>) {
        // (Only the cap's repair leaves fewer options than it found: see `reset`.)
        let options = (self.rules.program_school_cap)
            .map(|_| self.chosen.clone())
            .unwrap_or_default();
        for c in (0..self.chosen.len()).filter(|c| !self.locked[*c]) {
            let program = self.instance.candidates[c].program;
            let reach = &mut self.cohorts.reach;
            self.options.each(&self.groups, c, |o| {
                let school = self.groups.school[o.group as usize];
                *reach.entry((program, school)).or_insert(0) += 1;
            });
        }
        let (placements, found, bound) = self.bound_round(unplaced_cost);
        let mut search = Search {
            most: placements.len(),
            best: found,
            lower: bound,
            scale: 4.0,
        };
        self.share_step(&placements, &search, bound);
        for _ in 1..BOUNDING_ROUNDS {
            if search.close() {
                break;
            }
            self.reset(&options);
            let (placements, found, bound) = self.bound_round(unplaced_cost);
            search.most = search.most.max(placements.len());
            search.keep(found);
            match (bound, search.lower) {
                (Some(bound), lower) if lower.is_none_or(|lower| bound > lower) => {
                    search.lower = Some(bound);
                }
                _ => search.scale /= 2.0,
            }
            self.share_step(&placements, &search, bound);
        }
        self.search_rounds(unplaced_cost, &options, &mut search);
        let ((_, cost), placements, unplaced) = search.best;
        // (The bound is on solutions placing as many as the network: should the cap's repair
        // place fewer, their cost may be below it.)
        let gap = search.lower.map(|lower| {
            if placements.len() < search.most {
                (cost - lower).max(0)
            } else {
                cost - lower
            }
        });
        (placements, unplaced, gap)
    }

    /// Solves the network at the current shares. Returns its placements, the solution they
    /// make once improved, and the lower bound they prove (`None` if the network is not
    /// certified optimal).
    fn bound_round(&mut self, unplaced_cost: i64) -> (Vec<Placement>, Found, Option<i64>) {
        self.cohorts.bounding = true;
        let (solved, gap) = self.meet_all(unplaced_cost);
        let (placements, unplaced) = self.placed(&solved);
        let certified = solved.0.certified();
        drop(solved);
        let priced: i64 = (placements.iter())
            .map(|p| p.cost.total() + self.cohort_price(p.candidate as usize, p.school))
            .sum();
        let mut improved = placements.clone();
        self.improve_cohorts(&mut improved);
        let found = (self.judge(&improved), improved, unplaced);
        (placements, found, certified.then_some(priced - gap))
    }

    /// Slope scaling from the best solution: its pairs priced at the weight shared among their
    /// placements, the rest at the whole weight, until the prices repeat.
    fn search_rounds(
        &mut self,
        unplaced_cost: i64,
        options: &[Vec<edges::Choice>],
        search: &mut Search,
    ) {
        let weight = self.rules.weights.cohort;
        self.cohorts.bounding = false;
        for _ in 0..SEARCHING_ROUNDS {
            if search.close() {
                return;
            }
            let prices: HashMap<(u32, u32), i64> = (self.cohort_counts(&search.best.1).iter())
                .map(|(pair, n)| (*pair, weight / n))
                .collect();
            if prices == self.cohorts.slope {
                return;
            }
            self.cohorts.slope = prices;
            self.reset(options);
            let (solved, _) = self.meet_all(unplaced_cost);
            let (mut placements, unplaced) = self.placed(&solved);
            drop(solved);
            self.improve_cohorts(&mut placements);
            search.keep((self.judge(&placements), placements, unplaced));
        }
    }

    /// No prices but the cohort's, for another solve. Under a cap, the prepared `options` are
    /// restored (the cap's repair leaves fewer than it found); otherwise the options pricing
    /// added are kept, and each solve needs fewer pricing rounds.
    fn reset(&mut self, options: &[Vec<edges::Choice>]) {
        if self.rules.program_school_cap.is_some() {
            self.chosen = options.to_vec();
        }
        (self.pair_price, self.high_needs_bonus) = (HashMap::new(), 0);
        self.high_needs_min = self.rules.high_needs_min;
    }

    /// A subgradient step (Polyak's, aimed at the best solution) from the network's
    /// placements: each placement's own share of its pair grows, as does the pair's spread
    /// share by its count over the most it can take; then each pair's shares are projected
    /// back within the weight (all lowered alike, none below zero).
    fn share_step(&mut self, placements: &[Placement], search: &Search, bound: Option<i64>) {
        let Some(bound) = bound else {
            return;
        };
        let size = search.scale * (search.best.0.1 - bound).max(1) as f64;
        let counts = self.cohort_counts(placements);
        let norm = placements.len() as f64
            + (counts.iter())
                .map(|(pair, n)| (*n as f64 / self.pair_most(*pair) as f64).powi(2))
                .sum::<f64>();
        let step = size / norm.max(1.0);
        let weight = self.rules.weights.cohort;
        for p in placements {
            let pair = (
                self.instance.candidates[p.candidate as usize].program,
                p.school,
            );
            if !counts.contains_key(&pair) {
                continue; // (a pair a lock uses: free)
            }
            let shares = self.cohorts.own.entry(pair).or_default();
            match shares.iter_mut().find(|(c, _)| *c == p.candidate) {
                Some((_, share)) => *share += step.round() as i64,
                None => shares.push((p.candidate, step.round() as i64)),
            }
        }
        for (pair, n) in &counts {
            let most = self.pair_most(*pair) as f64;
            let spread = self.cohorts.spread.entry(*pair).or_insert(weight);
            *spread += (step * *n as f64 / most).round() as i64;
        }
        for pair in counts.keys() {
            let spread = self.cohorts.spread.get_mut(pair);
            let shares = self.cohorts.own.get_mut(pair);
            let (Some(spread), Some(shares)) = (spread, shares) else {
                continue;
            };
            let total = |cut: i64| {
                (*spread - cut).max(0) + shares.iter().map(|(_, s)| (s - cut).max(0)).sum::<i64>()
            };
            // The least cut that brings the shares within the weight.
            let (mut low, mut high) = (
                0,
                (*spread).max(shares.iter().map(|(_, s)| *s).max().unwrap_or(0)),
            );
            while low < high {
                let middle = low + (high - low) / 2;
                if total(middle) <= weight {
                    high = middle;
                } else {
                    low = middle + 1;
                }
            }
            *spread = (*spread - low).max(0);
            for (_, share) in shares.iter_mut() {
                *share = (*share - low).max(0);
            }
            shares.retain(|(_, s)| *s > 0);
        }
    }

    /// Moves each candidate who alone of their program uses a school to another school their
    /// program already uses, when the weight saved is more than the move costs and every rule
    /// still holds; again until no move saves anything. (Local search: the network cannot
    /// see that a pair's second placement pays no weight.)
    fn improve_cohorts(&self, placements: &mut [Placement]) {
        let instance = self.instance;
        let weight = self.rules.weights.cohort;
        let mut used = Usage::of(self, placements);
        let mut high_needs = (self.locked_placements.iter())
            .chain(placements.iter())
            .filter(|p| instance.schools[p.school as usize].high_needs)
            .count() as i64;
        let needed = i64::from(self.high_needs_min);
        let mut moved = true;
        while moved {
            moved = false;
            for p in placements.iter_mut() {
                let c = p.candidate as usize;
                let program = instance.candidates[c].program;
                if used.pair((program, p.school)) != 1
                    || self.locked_pairs.contains_key(&(program, p.school))
                {
                    continue;
                }
                let from_high_needs = instance.schools[p.school as usize].high_needs;
                let from_limit = self.limit_of[p.school as usize];
                let mut best: Option<(i64, Placement)> = None;
                self.options.each(&self.groups, c, |o| {
                    let school = self.groups.school[o.group as usize];
                    let s = school as usize;
                    let pair = (program, school);
                    let joins = used.pair(pair) > 0 || self.locked_pairs.contains_key(&pair);
                    let to_limit = self.limit_of[s];
                    let districts_keep = from_limit == to_limit
                        || (from_limit.is_none_or(|l| {
                            used.district[l as usize] > self.district_left[l as usize].0
                        }) && used.district_room(self, s));
                    let quota_keeps =
                        !from_high_needs || instance.schools[s].high_needs || high_needs > needed;
                    if school == p.school
                        || !joins
                        || !districts_keep
                        || !quota_keeps
                        || !used.room(self, pair)
                        || !self.open(c, school)
                    {
                        return;
                    }
                    let Some(m) = used.mentor(self, o.group) else {
                        return;
                    };
                    let there = placement(instance, self.rules, c, m as usize, false);
                    let saved = p.cost.total() + weight - there.cost.total();
                    if saved > 0 && best.as_ref().is_none_or(|(most, _)| saved > *most) {
                        best = Some((saved, there));
                    }
                });
                let Some((_, there)) = best else {
                    continue;
                };
                high_needs += i64::from(instance.schools[there.school as usize].high_needs)
                    - i64::from(from_high_needs);
                used.take(self, p, -1);
                used.take(self, &there, 1);
                *p = there;
                moved = true;
            }
        }
    }

    /// Places candidates the cap's repair left unplaced: where room is left (a mentor with
    /// room, in a school with room, under the cap and the district maximums), or else where
    /// one placed candidate makes room by moving to a school that has it. (The repair closes a
    /// pair over the cap to all but some candidates, and may close it to more than it needs.)
    /// Each candidate gets the cheapest such place. Returns how many were placed.
    pub(crate) fn fill_under_cap(
        &self,
        placements: &mut Vec<Placement>,
        unplaced: &mut Vec<u32>,
    ) -> usize {
        let before = unplaced.len();
        let mut used = Usage::of(self, placements);
        unplaced.retain(|&c| match self.place_with_room(&used, c as usize, None) {
            Some(there) => {
                used.take(self, &there, 1);
                placements.push(there);
                false
            }
            None => true,
        });
        if unplaced.is_empty() {
            return before;
        }
        let mut moves = Moves::new(self.instance.schools.len(), placements);
        unplaced.retain(|&c| {
            let Some((x, moved, there)) = self.room_by_a_move(&used, &mut moves, placements, c)
            else {
                return true;
            };
            used.take(self, &placements[x], -1);
            used.take(self, &moved, 1);
            used.take(self, &there, 1);
            moves.moved(x, &placements[x], &moved);
            moves.at_school[there.school as usize].push(placements.len());
            placements[x] = moved;
            placements.push(there);
            false
        });
        before - unplaced.len()
    }

    /// Candidate `c`'s cheapest place with room left (not at school `not_at`).
    fn place_with_room(&self, used: &Usage, c: usize, not_at: Option<u32>) -> Option<Placement> {
        let program = self.instance.candidates[c].program;
        let mut best: Option<Placement> = None;
        self.options.each(&self.groups, c, |o| {
            let school = self.groups.school[o.group as usize];
            if not_at == Some(school)
                || !used.room(self, (program, school))
                || !used.district_room(self, school as usize)
            {
                return;
            }
            let Some(m) = used.mentor(self, o.group) else {
                return;
            };
            let there = placement(self.instance, self.rules, c, m as usize, false);
            if best
                .as_ref()
                .is_none_or(|b| there.cost.total() < b.cost.total())
            {
                best = Some(there);
            }
        });
        best
    }

    /// The cheapest way to place unplaced candidate `c` at a school where a placed candidate
    /// `x` (an index into `placements`) moves to a school with room: `x`'s mentor, or one
    /// with room, and `x`'s share of the cap, go to `c`. Returns `x`, its new placement and
    /// `c`'s. The school and its district keep their counts; the quota can only gain.
    fn room_by_a_move(
        &self,
        used: &Usage,
        moves: &mut Moves,
        placements: &[Placement],
        c: u32,
    ) -> Option<(usize, Placement, Placement)> {
        let program = self.instance.candidates[c as usize].program;
        let cap = self.rules.program_school_cap;
        let mut best: Option<(i64, usize, Placement, Placement)> = None;
        self.options.each(&self.groups, c as usize, |o| {
            let school = self.groups.school[o.group as usize];
            for &x in &moves.at_school[school as usize] {
                let p = &placements[x];
                let same_program =
                    self.instance.candidates[p.candidate as usize].program == program;
                let pair = (program, school);
                let pair_after = used.pair(pair) - i64::from(same_program);
                if cap.is_some_and(|cap| pair_after >= self.pair_room(cap, &pair)) {
                    continue;
                }
                let m = match used.mentor(self, o.group) {
                    Some(m) => m,
                    None if self.groups.members[o.group as usize].contains(&p.mentor) => p.mentor,
                    None => continue,
                };
                let Some(moved) = moves.elsewhere.find(self, used, x, p) else {
                    continue;
                };
                let there = placement(self.instance, self.rules, c as usize, m as usize, false);
                let added = there.cost.total() + moved.cost.total() - p.cost.total();
                if best.as_ref().is_none_or(|b| added < b.0) {
                    best = Some((added, x, moved, there));
                }
            }
        });
        best.map(|(_, x, moved, there)| (x, moved, there))
    }

    /// Placements per (program, school), for the pairs that pay the cohort weight.
    fn cohort_counts(&self, placements: &[Placement]) -> HashMap<(u32, u32), i64> {
        let mut counts = HashMap::new();
        for p in placements {
            let pair = (
                self.instance.candidates[p.candidate as usize].program,
                p.school,
            );
            if !self.locked_pairs.contains_key(&pair) {
                *counts.entry(pair).or_insert(0) += 1;
            }
        }
        counts
    }

    /// How a set of placements ranks: most placed first, then least cost with the cohort weight.
    fn judge(&self, placements: &[Placement]) -> (std::cmp::Reverse<usize>, i64) {
        let cost = placements.iter().map(|p| p.cost.total()).sum::<i64>()
            + self.rules.weights.cohort * self.cohort_counts(placements).len() as i64;
        (std::cmp::Reverse(placements.len()), cost)
    }
}

/// A solution found: how it ranks, its placements and its unplaced candidates.
type Found = ((std::cmp::Reverse<usize>, i64), Vec<Placement>, Vec<u32>);

/// The search under a cohort weight: the best solution so far, the best bound, the most
/// placements a network made, and the scale of the subgradient steps (halved when the bound
/// does not rise).
struct Search {
    best: Found,
    lower: Option<i64>,
    most: usize,
    scale: f64,
}

impl Search {
    fn keep(&mut self, found: Found) {
        if found.0 < self.best.0 {
            self.best = found;
        }
    }

    /// Whether the best solution is proven within 1 % of the optimum.
    fn close(&self) -> bool {
        let known = self.best.0.1;
        self.lower
            .is_some_and(|lower| (known - lower) * 100 <= known.abs())
    }
}

/// For `fill_under_cap`'s moves: the placements at each school (indices), and where each
/// could move.
struct Moves {
    at_school: Vec<Vec<usize>>,
    elsewhere: Elsewhere,
}

impl Moves {
    fn new(schools: usize, placements: &[Placement]) -> Moves {
        let mut at_school = vec![Vec::new(); schools];
        for (i, p) in placements.iter().enumerate() {
            at_school[p.school as usize].push(i);
        }
        let elsewhere = Elsewhere(HashMap::new());
        Moves {
            at_school,
            elsewhere,
        }
    }

    /// Placement `x` (now `p`) moved to `to`.
    fn moved(&mut self, x: usize, p: &Placement, to: &Placement) {
        self.at_school[p.school as usize].retain(|&i| i != x);
        self.at_school[to.school as usize].push(x);
        self.elsewhere.0.remove(&x);
    }
}

/// Each placed candidate's cheapest place with room at another school, by placement: found
/// once, and found again when its room has gone since.
struct Elsewhere(HashMap<usize, Option<Placement>>);

impl Elsewhere {
    fn find(
        &mut self,
        prepared: &Prepared,
        used: &Usage,
        x: usize,
        p: &Placement,
    ) -> Option<Placement> {
        let program = prepared.instance.candidates[p.candidate as usize].program;
        let still = |q: &Placement| {
            used.room(prepared, (program, q.school))
                && used.district_room(prepared, q.school as usize)
                && used.mentor[q.mentor as usize] < prepared.mentor_left[q.mentor as usize]
        };
        match self.0.get(&x) {
            Some(Some(q)) if still(q) => return Some(q.clone()),
            Some(None) => return None,
            _ => {}
        }
        let found = prepared.place_with_room(used, p.candidate as usize, Some(p.school));
        self.0.insert(x, found.clone());
        found
    }
}

/// What placements (not the locked ones) use, per school, mentor, district limit and
/// (program, school) pair: for moving or adding placements one at a time, outside the network.
struct Usage {
    school: Vec<i64>,
    mentor: Vec<i64>,
    district: Vec<i64>,
    pairs: HashMap<(u32, u32), i64>,
}

impl Usage {
    fn of(prepared: &Prepared, placements: &[Placement]) -> Usage {
        let mut used = Usage {
            school: vec![0; prepared.instance.schools.len()],
            mentor: vec![0; prepared.instance.mentors.len()],
            district: vec![0; prepared.district_left.len()],
            pairs: HashMap::new(),
        };
        for p in placements {
            used.take(prepared, p, 1);
        }
        used
    }

    /// Counts placement `p` in (`by` 1) or out (`by` −1).
    fn take(&mut self, prepared: &Prepared, p: &Placement, by: i64) {
        self.school[p.school as usize] += by;
        self.mentor[p.mentor as usize] += by;
        if let Some(l) = prepared.limit_of[p.school as usize] {
            self.district[l as usize] += by;
        }
        let program = prepared.instance.candidates[p.candidate as usize].program;
        *self.pairs.entry((program, p.school)).or_insert(0) += by;
    }

    fn pair(&self, pair: (u32, u32)) -> i64 {
        self.pairs.get(&pair).copied().unwrap_or(0)
    }

    /// Whether the pair's school, and the cap on the pair, have room for one more.
    fn room(&self, prepared: &Prepared, pair: (u32, u32)) -> bool {
        let s = pair.1 as usize;
        self.school[s] < prepared.school_left[s]
            && (prepared.rules.program_school_cap)
                .is_none_or(|cap| self.pair(pair) < prepared.pair_room(cap, &pair))
    }

    /// Whether the maximum of school `s`'s district, if limited, has room for one more.
    fn district_room(&self, prepared: &Prepared, s: usize) -> bool {
        prepared.limit_of[s]
            .is_none_or(|l| self.district[l as usize] < prepared.district_left[l as usize].1)
    }

    /// The cheapest mentor of a group with room left.
    fn mentor(&self, prepared: &Prepared, group: u32) -> Option<u32> {
        (prepared.groups.members[group as usize].iter())
            .find(|&&m| self.mentor[m as usize] < prepared.mentor_left[m as usize])
            .copied()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use crate::model::{Areas, Bands, Candidate, Instance, Mentor, Rules, School};
    use crate::{placement, prepare};

    fn school(lat: f64) -> School {
        School {
            district: 0,
            lat,
            lon: -83.0,
            cap: 4,
            high_needs: false,
        }
    }

    fn mentor(school: u32) -> Mentor {
        let (areas, bands) = (Areas::of(&[1]), Bands::of(&[0]));
        Mentor {
            school,
            areas,
            bands,
            capacity: 1,
            eligible: true,
            quality: 100,
        }
    }

    fn candidate(lat: f64) -> Candidate {
        Candidate {
            area: 1,
            lat,
            lon: -83.0,
            ..Candidate::default()
        }
    }

    #[test]
    fn one_move_makes_room_under_the_cap_for_a_candidate_left_out() {
        // Schools 0 and 1 are 20 km apart, two mentors each. Candidate 0 lives between them and
        // is placed at school 0; candidate 1, of the same program, lives beyond school 0 and
        // reaches only it, where a cap of 1 leaves no room for a second of the program.
        let instance = Instance {
            schools: vec![school(42.0), school(42.18)],
            mentors: vec![mentor(0), mentor(0), mentor(1), mentor(1)],
            candidates: vec![candidate(42.09), candidate(41.92)],
        };
        let rules = Rules {
            max_travel_km: 15.0,
            program_school_cap: Some(1),
            ..Rules::default()
        };
        let prepared = prepare(&instance, &rules).unwrap();
        let mut placements = vec![placement(&instance, &rules, 0, 0, false)];
        let mut unplaced = vec![1];
        assert_eq!(prepared.fill_under_cap(&mut placements, &mut unplaced), 1);
        assert!(unplaced.is_empty());
        let at: Vec<(u32, u32)> = placements.iter().map(|p| (p.candidate, p.school)).collect();
        assert_eq!(
            at,
            [(0, 1), (1, 0)],
            "candidate 0 moved to school 1 to make room"
        );
        // With the far school full, no move helps, and nothing changes.
        let mut placements = vec![placement(&instance, &rules, 0, 0, false)];
        let closed = Instance {
            schools: vec![
                school(42.0),
                School {
                    cap: 0,
                    ..school(42.18)
                },
            ],
            ..instance.clone()
        };
        let prepared = prepare(&closed, &rules).unwrap();
        let mut unplaced = vec![1];
        assert_eq!(prepared.fill_under_cap(&mut placements, &mut unplaced), 0);
        assert_eq!(
            (placements.len(), placements[0].school, unplaced),
            (1, 0, vec![1])
        );
    }
}
