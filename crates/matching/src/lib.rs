//! Tandem's placement matching engine: places the most candidates possible with mentor teachers
//! and, among those placements, the cheapest in total weighted cost — exactly, with an optimality
//! certificate — and says why each unplaced candidate could not be placed.
//!
//! Pure and synchronous: no I/O, no clock, no randomness; the same input gives the same output.
//!
//! Done so far: area and grade-band fit, eligibility, maximum travel, conflicts, allowed
//! districts, mentor capacities, school caps, locks, a minimum of high-needs placements and
//! per-district minimums and maximums, with travel, preference, mentor-quality and high-needs
//! costs and one for moving a candidate from the school the run before proposed. All in the
//! network (gap 0), except when a limited district mixes high-needs schools and others while
//! the high-needs quota binds: the two quotas cross, and the high-needs one is priced by
//! Lagrangian relaxation with its gap proven. A cap on one program's candidates per school (the
//! cohort size) crosses the network's structure too: it is priced the same way, a solution
//! keeping it is repaired from the priced one when pricing finds none, and the gap is proven.
//! The high-needs quota may also be a share of the most placements. A cohort weight (keeping a
//! program together) is a fixed charge solved on top of the network (`cohorts`), its gap
//! proven. `deferred` holds the preference mode (deferred acceptance); `caseloads` assigns
//! program supervisors to placements.

pub mod caseloads;
mod cohorts;
pub mod deferred;
mod edges;
mod flow;
pub mod generate;
pub mod geo;
mod markets;
pub mod model;

use std::collections::HashMap;

pub use edges::Cost;
pub use model::{
    Areas, Bands, Candidate, DistrictLimit, Instance, Mentor, Preference, Rules, School, Weights,
};

/// One placement and how its cost is made up.
#[derive(Debug, Clone, PartialEq)]
pub struct Placement {
    pub candidate: u32,
    pub mentor: u32,
    pub school: u32,
    pub km: f64,
    pub cost: Cost,
    /// Decided by people before the run.
    pub locked: bool,
}

/// Why a candidate is unplaced, in terms a coordinator can act on.
#[derive(Debug, Clone, PartialEq)]
pub enum Unplaced {
    /// No mentor of the candidate's area and band within the travel limit; the nearest one (if
    /// any) is this far away.
    NoMentorNearby { nearest_km: Option<f64> },
    /// Mentors of the area and band are near, but none is eligible.
    NoneEligible { compatible: u32 },
    /// The only compatible mentors are in schools the candidate's conflicts or district limits
    /// exclude.
    Excluded { compatible: u32 },
    /// Compatible mentors exist, but all of them went to candidates who had no other option.
    Taken { compatible: u32 },
    /// Compatible mentors exist, but every one of their schools holds as many candidates of
    /// the candidate's program as the cap allows.
    CohortFull { compatible: u32 },
}

impl Unplaced {
    /// A sentence for the coordinator, given how the caller names the area and band: why,
    /// then what would place the candidate.
    pub fn describe(&self, area: &str, band: &str, max_km: f64) -> String {
        format!(
            "{}; to place them, {}",
            self.why(area, band, max_km),
            self.fix(area, band)
        )
    }

    fn why(&self, area: &str, band: &str, max_km: f64) -> String {
        match self {
            Unplaced::NoMentorNearby {
                nearest_km: Some(km),
            } => {
                format!(
                    "no eligible {band} {area} mentor within {max_km:.0} km (the nearest is {km:.0} km away)"
                )
            }
            Unplaced::NoMentorNearby { nearest_km: None } => {
                format!("no eligible {band} {area} mentor at all")
            }
            Unplaced::NoneEligible { compatible } => {
                let (mentors, are) = counted(*compatible, &format!("{band} {area}"));
                format!("{mentors} within {max_km:.0} km {are} not eligible")
            }
            Unplaced::Excluded { compatible } => {
                let (mentors, are) = counted(*compatible, "compatible");
                let schools = if *compatible == 1 {
                    "a school"
                } else {
                    "schools"
                };
                format!(
                    "{mentors} within {max_km:.0} km {are} in {schools} excluded by conflicts or district limits"
                )
            }
            Unplaced::Taken { compatible } => {
                let (mentors, _) = counted(*compatible, "compatible");
                format!(
                    "{mentors} within {max_km:.0} km went to candidates who had no other option"
                )
            }
            Unplaced::CohortFull { compatible } => {
                let (mentors, are) = counted(*compatible, "compatible");
                let schools = if *compatible == 1 {
                    "a school that already has"
                } else {
                    "schools that already have"
                };
                format!(
                    "{mentors} within {max_km:.0} km {are} in {schools} as many candidates of this program as the cohort size allows"
                )
            }
        }
    }

    fn fix(&self, area: &str, band: &str) -> String {
        match self {
            Unplaced::NoMentorNearby {
                nearest_km: Some(km),
            } => format!(
                "raise the travel limit to {:.0} km, or find an eligible {band} {area} mentor nearer",
                km.ceil()
            ),
            Unplaced::NoMentorNearby { nearest_km: None } => {
                format!("find an eligible {band} {area} mentor")
            }
            Unplaced::NoneEligible { compatible } => {
                let whom = if *compatible == 1 {
                    "that mentor"
                } else {
                    "one of them"
                };
                format!(
                    "help {whom} meet the eligibility rules (each mentor's page says what is missing)"
                )
            }
            Unplaced::Excluded { .. } => {
                "review the candidate's conflicts or the district limits".to_owned()
            }
            Unplaced::Taken { .. } => format!(
                "ask the schools near them to host more, find another {band} {area} mentor nearby, or raise the travel limit"
            ),
            Unplaced::CohortFull { .. } => {
                "raise the cohort size, or find mentors in other schools".to_owned()
            }
        }
    }
}

/// "the 3 compatible mentors", "are" — or "the only compatible mentor", "is".
fn counted(mentors: u32, kind: &str) -> (String, &'static str) {
    match mentors {
        1 => (format!("the only {kind} mentor"), "is"),
        n => (format!("the {n} {kind} mentors"), "are"),
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Solution {
    pub placements: Vec<Placement>,
    pub unplaced: Vec<(u32, Unplaced)>,
    /// Total cost of the placements.
    pub objective: i64,
    /// A proven lower bound on the cost of any solution placing as many candidates
    /// (`i64::MIN` when none is proven).
    pub bound: i64,
    /// How many more candidates a solution might place than this one: 0 when none can (proven).
    /// Only rules solved on top of the network (the program × school cap) leave it above 0,
    /// and then `bound`, which holds for solutions placing as many as this one, says little.
    pub may_place_more: u32,
    /// Candidate → school options in the final network (pricing proves the rest unneeded).
    pub edges: usize,
    /// Placements in high-needs schools.
    pub high_needs_placed: u32,
    /// How far the high-needs quota is from being met (0 when met): no assignment does better.
    pub high_needs_short: u32,
    /// Per district limit (in the order of the rules): placements there, and how far its
    /// minimum is from being met.
    pub districts: Vec<DistrictPlaced>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DistrictPlaced {
    pub district: u32,
    pub placed: u32,
    pub short: u32,
}

impl Solution {
    pub fn gap(&self) -> i64 {
        self.objective - self.bound
    }

    /// An answer from its placements (in candidate order) and unplaced candidates, under an
    /// instance, its rules and the high-needs minimum they come to: the objective and the
    /// counts follow from the placements. `gap` is how far the objective may be above the
    /// optimum (`None` when no bound is proven); `may_place_more` as in `Solution`.
    fn of(
        (instance, rules, high_needs_min): (&Instance, &Rules, u32),
        placements: Vec<Placement>,
        unplaced: Vec<(u32, Unplaced)>,
        (gap, may_place_more): (Option<i64>, u32),
        edges: usize,
    ) -> Solution {
        let objective = placements.iter().map(|p| p.cost.total()).sum();
        let high_needs_placed = placements
            .iter()
            .filter(|p| instance.schools[p.school as usize].high_needs)
            .count() as u32;
        Solution {
            unplaced,
            objective,
            bound: gap.map_or(i64::MIN, |gap| objective - gap),
            may_place_more,
            edges,
            high_needs_short: high_needs_min.saturating_sub(high_needs_placed),
            high_needs_placed,
            districts: districts_placed(instance, rules, &placements),
            placements,
        }
    }
}

/// An instance that refers to things that are not there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstanceError(pub String);

impl std::fmt::Display for InstanceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for InstanceError {}

/// The largest weight: keeps every sum of costs far from overflowing.
pub const MAX_WEIGHT: i64 = 10_000;

/// No two places on Earth are farther apart.
const HALF_EARTH_KM: f64 = 20_040.0;

fn check(instance: &Instance, rules: &Rules) -> Result<(), InstanceError> {
    let schools = instance.schools.len() as u32;
    if let Some((i, _)) = instance
        .mentors
        .iter()
        .enumerate()
        .find(|(_, m)| m.school >= schools)
    {
        return Err(InstanceError(format!(
            "mentor {i}: school {} does not exist",
            instance.mentors[i].school
        )));
    }
    for (i, c) in instance.candidates.iter().enumerate() {
        let preferred = c.preferences.iter().filter_map(|p| match p {
            Preference::School(s) => Some(s),
            Preference::District(_) => None,
        });
        if let Some(s) = preferred
            .chain(&c.conflicts)
            .chain(&c.previous)
            .find(|s| **s >= schools)
        {
            return Err(InstanceError(format!(
                "candidate {i}: school {s} does not exist"
            )));
        }
        if let Some(m) =
            (c.excluded_mentors.iter()).find(|m| **m as usize >= instance.mentors.len())
        {
            return Err(InstanceError(format!(
                "candidate {i}: mentor {m} does not exist"
            )));
        }
        if !(c.lat.is_finite() && c.lon.is_finite()) {
            return Err(InstanceError(format!(
                "candidate {i}: home location is not a number"
            )));
        }
    }
    let mut locked = vec![false; instance.candidates.len()];
    for &(c, m) in &rules.locks {
        if c as usize >= instance.candidates.len() || m as usize >= instance.mentors.len() {
            return Err(InstanceError(format!(
                "lock ({c}, {m}) names a candidate or mentor that does not exist"
            )));
        }
        if std::mem::replace(&mut locked[c as usize], true) {
            return Err(InstanceError(format!("candidate {c} is locked twice")));
        }
    }
    let w = rules.weights;
    let weights = [
        w.travel_per_km,
        w.preference_rank,
        w.mentor_quality,
        w.high_needs_priority,
        w.moved,
        w.cohort,
    ];
    if weights.iter().any(|w| !(0..=MAX_WEIGHT).contains(w)) {
        return Err(InstanceError(format!(
            "weights must be whole numbers from 0 to {MAX_WEIGHT}"
        )));
    }
    if rules.high_needs_percent.is_some_and(|p| p > 100) {
        return Err(InstanceError(
            "the high-needs percentage must be from 0 to 100".into(),
        ));
    }
    let mut limited = std::collections::HashSet::new();
    for limit in &rules.districts {
        if limit.min > limit.max {
            return Err(InstanceError(format!(
                "district {}: the minimum {} is above the maximum {}",
                limit.district, limit.min, limit.max
            )));
        }
        if !limited.insert(limit.district) {
            return Err(InstanceError(format!(
                "district {} is limited twice",
                limit.district
            )));
        }
    }
    if !rules.max_travel_km.is_finite() || rules.max_travel_km < 0.0 {
        return Err(InstanceError(
            "the travel limit must be a positive number of kilometres".into(),
        ));
    }
    Ok(())
}

/// Solves `instance` under `rules`.
pub fn solve(instance: &Instance, rules: &Rules) -> Result<Solution, InstanceError> {
    match solve_markets(instance, rules)? {
        Some(solution) => Ok(solution),
        // (Checked by `solve_markets`.)
        None => Ok(prepare_checked(instance, rules, FIRST_OPTIONS).solve()),
    }
}

/// `solve`'s first way, apart for callers that time the two: the solution when the instance
/// splits into markets solved apart (see `markets`), else `None`, and then
/// `prepare(instance, rules)?.solve()` is the solution.
pub fn solve_markets(
    instance: &Instance,
    rules: &Rules,
) -> Result<Option<Solution>, InstanceError> {
    check(instance, rules)?;
    Ok(markets::solve_apart(instance, rules))
}

/// How many options each candidate starts with (its cheapest, or in a dense metro some spread
/// wider: `edges::Options::cheapest`); pricing adds any other option
/// that could improve the solution, so this only sets how much work the first round does.
/// (Measured, release: with 96 rather than 32, Michigan needs no pricing round after the first
/// and solves in 48 ms instead of 90; California takes 16 s instead of 20.)
const FIRST_OPTIONS: usize = 96;

/// An instance checked, its locks placed, its mentors grouped and each candidate's most
/// promising options chosen: ready to solve. (Split from solving so callers can time both.)
pub struct Prepared<'a> {
    instance: &'a Instance,
    rules: &'a Rules,
    locked: Vec<bool>,
    mentor_left: Vec<i64>,
    school_left: Vec<i64>,
    locked_placements: Vec<Placement>,
    groups: edges::Groups,
    options: edges::Options<'a>,
    chosen: Vec<Vec<edges::Choice>>,
    /// Per candidate: every option cheaper than this is among the chosen.
    complete_below: Vec<i64>,
    /// Per school: its district's limit (an index into `rules.districts`), if any.
    limit_of: Vec<Option<u32>>,
    /// Per district limit: placements still needed for its minimum, and still allowed.
    district_left: Vec<(i64, i64)>,
    /// Per district limit: whether its schools include high-needs ones, and others.
    district_kinds: Vec<(bool, bool)>,
    /// Taken off the cost of every high-needs option: the Lagrangian price of the high-needs
    /// quota when the network cannot carry it (see `Prepared::price_high_needs`).
    high_needs_bonus: i64,
    /// Added to the cost of an option of (program, school): the Lagrangian prices of the
    /// program × school cap (see `Prepared::cap_programs`).
    pair_price: HashMap<(u32, u32), i64>,
    /// The high-needs minimum: the rules', or more for their percentage (see `solve`).
    high_needs_min: u32,
    /// Locked placements per (program, school).
    locked_pairs: HashMap<(u32, u32), i64>,
    /// (program, school) pairs closed by the cap's repair: only these candidates may go there.
    closed: HashMap<(u32, u32), Vec<u32>>,
    /// What options pay towards the cohort weight (see `cohorts`).
    cohorts: cohorts::Prices,
}

impl Prepared<'_> {
    /// Candidate → school options in the network so far.
    pub fn edges(&self) -> usize {
        self.chosen.iter().map(Vec::len).sum()
    }
}

/// Calls `each(candidate, mentor, cost)` for every pair the hard rules allow (ignoring locks),
/// candidate by candidate: the full edge list, for exporting an instance to other solvers.
pub fn each_edge(
    instance: &Instance,
    rules: &Rules,
    mut each: impl FnMut(u32, u32, i64),
) -> Result<(), InstanceError> {
    check(instance, rules)?;
    let capacity: Vec<i64> = instance
        .mentors
        .iter()
        .map(|m| i64::from(m.capacity))
        .collect();
    let caps: Vec<i64> = instance.schools.iter().map(|s| i64::from(s.cap)).collect();
    let mut groups = edges::Groups::new(instance, rules, &capacity, &caps);
    groups.exclude(instance, rules, &capacity, &caps);
    let options = edges::Options::new(instance, rules);
    for c in 0..instance.candidates.len() {
        let mut pairs = Vec::new();
        options.each(&groups, c, |o| {
            for &m in &groups.members[o.group as usize] {
                pairs.push((m, o.cost + edges::mentor_cost(instance, rules, m as usize)));
            }
        });
        pairs.sort_unstable();
        for (m, cost) in pairs {
            each(c as u32, m, cost);
        }
    }
    Ok(())
}

/// Checks the instance, places the locks, groups the mentors and chooses first options.
pub fn prepare<'a>(
    instance: &'a Instance,
    rules: &'a Rules,
) -> Result<Prepared<'a>, InstanceError> {
    prepare_with(instance, rules, FIRST_OPTIONS)
}

/// `prepare` with each candidate starting from `first` options (at least 1). The answer does not
/// depend on it, only the work: tests use 1 to make pricing do everything.
pub fn prepare_with<'a>(
    instance: &'a Instance,
    rules: &'a Rules,
    first: usize,
) -> Result<Prepared<'a>, InstanceError> {
    check(instance, rules)?;
    Ok(prepare_checked(instance, rules, first))
}

/// `prepare_with` for an instance already checked.
fn prepare_checked<'a>(instance: &'a Instance, rules: &'a Rules, first: usize) -> Prepared<'a> {
    // Locks are placed first and take their capacity out of the network.
    let mut locked = vec![false; instance.candidates.len()];
    let mut mentor_left: Vec<i64> = instance
        .mentors
        .iter()
        .map(|m| i64::from(m.capacity))
        .collect();
    let mut school_left: Vec<i64> = instance.schools.iter().map(|s| i64::from(s.cap)).collect();
    let limit_index: std::collections::HashMap<u32, u32> = (rules.districts.iter())
        .enumerate()
        .map(|(i, l)| (l.district, i as u32))
        .collect();
    let limit_of: Vec<Option<u32>> = (instance.schools.iter())
        .map(|s| limit_index.get(&s.district).copied())
        .collect();
    let mut district_left: Vec<(i64, i64)> = (rules.districts.iter())
        .map(|l| (i64::from(l.min), i64::from(l.max)))
        .collect();
    let mut district_kinds = vec![(false, false); rules.districts.len()];
    for (s, school) in instance.schools.iter().enumerate() {
        if let Some(l) = limit_of[s] {
            let (high_needs, other) = &mut district_kinds[l as usize];
            *high_needs |= school.high_needs;
            *other |= !school.high_needs;
        }
    }
    let mut locked_placements = Vec::new();
    let mut locked_pairs = HashMap::new();
    for &(c, m) in &rules.locks {
        locked[c as usize] = true;
        mentor_left[m as usize] -= 1;
        let school = instance.mentors[m as usize].school as usize;
        school_left[school] -= 1;
        let program = instance.candidates[c as usize].program;
        *locked_pairs.entry((program, school as u32)).or_insert(0) += 1;
        if let Some(l) = limit_of[school] {
            let (min, max) = &mut district_left[l as usize];
            *min = (*min - 1).max(0);
            *max = (*max - 1).max(0);
        }
        locked_placements.push(placement(instance, rules, c as usize, m as usize, true));
    }
    let mut groups = edges::Groups::new(instance, rules, &mentor_left, &school_left);
    groups.exclude(instance, rules, &mentor_left, &school_left);
    let options = edges::Options::new(instance, rules);
    let (chosen, complete_below) = (0..instance.candidates.len())
        .map(|c| {
            if locked[c] {
                (Vec::new(), i64::MAX)
            } else {
                options.cheapest(&groups, c, first.max(1))
            }
        })
        .unzip();
    let mut prepared = Prepared {
        instance,
        rules,
        locked,
        mentor_left,
        school_left,
        locked_placements,
        groups,
        options,
        chosen,
        complete_below,
        limit_of,
        district_left,
        district_kinds,
        high_needs_bonus: 0,
        pair_price: HashMap::new(),
        locked_pairs,
        high_needs_min: rules.high_needs_min,
        closed: HashMap::new(),
        cohorts: cohorts::Prices::default(),
    };
    prepared.close_pairs();
    prepared
}

/// A solved network, with the arcs of the chosen options and, per group, the first of its
/// arcs to its kept mentors (which follow one another, in the order kept).
type Solved = (flow::Network, Vec<Vec<usize>>, Vec<usize>);

/// Node numbering of the network.
struct Nodes {
    groups: usize,
    mentors: usize,
    schools: usize,
    unplaced: usize,
    sink: usize,
    /// Where high-needs schools' placements gather on their way to the sink.
    high_needs: usize,
    /// Where each limited district's placements gather (one node per limit, in rule order).
    districts: usize,
    count: usize,
}

impl Prepared<'_> {
    fn nodes(&self) -> Nodes {
        let (nc, ng, nm, ns) = (
            self.instance.candidates.len(),
            self.groups.len(),
            self.instance.mentors.len(),
            self.instance.schools.len(),
        );
        Nodes {
            groups: nc,
            mentors: nc + ng,
            schools: nc + ng + nm,
            unplaced: nc + ng + nm + ns,
            sink: nc + ng + nm + ns + 1,
            high_needs: nc + ng + nm + ns + 2,
            districts: nc + ng + nm + ns + 3,
            count: nc + ng + nm + ns + 3 + self.district_left.len(),
        }
    }

    /// Whether placements in school `s` gather in the high-needs node (when the quota is in
    /// the network) rather than go straight to the sink or their district.
    fn to_high_needs(&self, quota: bool, s: usize) -> bool {
        quota && self.instance.schools[s].high_needs
    }

    /// Candidate `c`'s option's cost in the network: with the Lagrangian prices of high-needs
    /// placements and of its program in the option's school.
    fn option_cost(&self, c: usize, o: &edges::Choice) -> i64 {
        // (Called for every option of every network built: the look-ups only when priced.)
        let school = self.groups.school[o.group as usize];
        let mut cost = o.cost;
        if self.high_needs_bonus != 0 && self.instance.schools[school as usize].high_needs {
            cost -= self.high_needs_bonus;
        }
        if !self.pair_price.is_empty() {
            let pair = (self.instance.candidates[c].program, school);
            cost += self.pair_price.get(&pair).copied().unwrap_or(0);
        }
        if self.rules.weights.cohort > 0 {
            cost += self.cohort_price(c, school);
        }
        cost
    }

    /// Takes out of every candidate's options the schools the program × school cap closes.
    fn close_pairs(&mut self) {
        if self.rules.program_school_cap.is_none() {
            return;
        }
        for c in 0..self.chosen.len() {
            let mut chosen = std::mem::take(&mut self.chosen[c]);
            chosen.retain(|o| self.open(c, self.groups.school[o.group as usize]));
            self.chosen[c] = chosen;
        }
    }

    /// Whether the program × school cap leaves school `school` open to candidate `c`: not when
    /// locks fill the cap of the candidate's program there, or the cap's repair closed the
    /// pair to all but some others.
    fn open(&self, c: usize, school: u32) -> bool {
        let Some(cap) = self.rules.program_school_cap else {
            return true;
        };
        let pair = (self.instance.candidates[c].program, school);
        self.pair_room(cap, &pair) > 0
            && (self.closed.get(&pair)).is_none_or(|kept| kept.contains(&(c as u32)))
    }

    /// Limited districts with both high-needs schools and others: the high-needs node cannot
    /// sit downstream of their node, so their quota and the high-needs quota cross.
    fn limits_cross_high_needs(&self) -> bool {
        self.district_kinds.iter().any(|&(hn, other)| hn && other)
    }

    /// Solves the network of the chosen options; prices the options left out; adds those that
    /// could improve the solution; repeats until none could. When more than a sixteenth of the
    /// candidates are given options, everything is solved again from scratch; fewer give back
    /// their units and send them again, warm from the solved network. (On California, sending
    /// a round of 5,000 again warm took longer than a fresh solve, one of 1,000 a seventh of
    /// one; on the national instance's markets, warm rounds of an eighth took twice as long as
    /// fresh ones. Before the first options reached far into dense metros, they left 1,087
    /// unplaced where the optimum leaves 204, and warm searches chased displacement chains
    /// across whole saturated metros: three times as long as a fresh solve.)
    fn optimize(&mut self, unplaced_cost: i64, quota: bool) -> Solved {
        let n = self.nodes();
        let mut solved = self.run(unplaced_cost, quota);
        // (At least a few, so small instances, the tests among them, take both paths.)
        let few = (self.chosen.len() / 16).max(4);
        loop {
            // Groups as low and candidates as high as the flow allows, so that as few options
            // as possible look negative: schools first, then mentors, then groups (each bound
            // from below by what is downstream of it).
            let network = &mut solved.0;
            for node in (n.districts..n.count)
                .chain(n.schools..n.unplaced)
                .chain(n.mentors..n.schools)
                .chain(n.groups..n.mentors)
            {
                network.lower(node);
            }
            for c in (0..self.chosen.len()).filter(|c| !self.locked[*c]) {
                network.raise(c);
            }
            let network = &solved.0;
            // An option left out has reduced cost at least its cost + π(candidate) − the
            // highest group potential: only options cheaper than that bound need a look, and
            // those are usually all chosen already — then no geometry is needed at all.
            let highest = (0..self.groups.len())
                .map(|g| network.potential(n.groups + g))
                .max()
                .unwrap_or(0);
            let per_km = self.rules.weights.travel_per_km;
            let mut added = Vec::new();
            for c in (0..self.chosen.len()).filter(|c| !self.locked[*c]) {
                let below = highest
                    .saturating_sub(network.potential(c))
                    .saturating_add(self.high_needs_bonus);
                if below <= self.complete_below[c] {
                    continue;
                }
                // Travel alone costs per_km for each whole kilometre.
                let km = if per_km > 0 {
                    below as f64 / per_km as f64 + 1.0
                } else {
                    f64::INFINITY
                };
                let chosen = &self.chosen[c];
                self.options.each_within(&self.groups, c, km, |o| {
                    let reduced = self.option_cost(c, &o) + network.potential(c)
                        - network.potential(n.groups + o.group as usize);
                    if reduced < 0
                        && !self.groups.kept[o.group as usize].is_empty()
                        && self.open(c, self.groups.school[o.group as usize])
                        && !chosen.iter().any(|x| x.group == o.group)
                    {
                        added.push((c, o));
                    }
                });
                // `complete_below` is not raised here: options skipped for a non-negative
                // reduced cost are not chosen, and may turn negative once potentials move.
            }
            if added.is_empty() {
                return solved;
            }
            let mut moved: Vec<usize> = added.iter().map(|(c, _)| *c).collect();
            moved.dedup();
            if moved.len() > few {
                for (c, o) in added {
                    self.chosen[c].push(o);
                }
                // Freed first: two networks at once would set the peak memory.
                drop(solved);
                solved = self.run(unplaced_cost, quota);
                continue;
            }
            // The candidates with options added give back their units and send them again,
            // warm from the solved network: every other arc keeps a non-negative reduced cost.
            let (network, option_arcs, _) = &mut solved;
            for &c in &moved {
                network.unroute(c);
            }
            for (c, o) in added {
                let cost = self.option_cost(c, &o);
                option_arcs[c].push(network.add(c, n.groups + o.group as usize, 1, cost));
                self.chosen[c].push(o);
            }
            self.push_in_order(network, moved);
        }
    }

    /// Placements in high-needs schools made by a solved network (besides locks).
    fn high_needs_in(&self, solved: &Solved) -> u32 {
        let (network, option_arcs, _) = solved;
        let mut count = 0;
        for c in (0..self.chosen.len()).filter(|c| !self.locked[*c]) {
            for (o, arc) in self.chosen[c].iter().zip(&option_arcs[c]) {
                let school = self.groups.school[o.group as usize] as usize;
                if network.flow(*arc) > 0 && self.instance.schools[school].high_needs {
                    count += 1;
                }
            }
        }
        count
    }

    fn run(&self, unplaced_cost: i64, quota: bool) -> Solved {
        let n = self.nodes();
        // (Room for every arc at once: nothing is copied as the arrays grow.)
        let arcs = self.chosen.iter().map(|c| c.len() + 1).sum::<usize>()
            + self.groups.kept.total()
            + self.mentor_left.len()
            + self.school_left.len()
            + 2 * self.district_left.len()
            + 3;
        let mut network = flow::Network::new(n.count, arcs);
        let mut option_arcs = vec![Vec::new(); self.chosen.len()];
        for (c, chosen) in self
            .chosen
            .iter()
            .enumerate()
            .filter(|(c, _)| !self.locked[*c])
        {
            option_arcs[c] = (chosen.iter())
                .map(|o| network.add(c, n.groups + o.group as usize, 1, self.option_cost(c, o)))
                .collect();
            network.add(c, n.unplaced, 1, unplaced_cost);
        }
        // A kept mentor of one group links that group straight to the school; a mentor kept
        // by several groups gets a node of its own, so their capacity is shared.
        let mut kept_by = vec![0u8; self.mentor_left.len()];
        for &m in self.groups.kept.iter().flatten() {
            kept_by[m as usize] = kept_by[m as usize].saturating_add(1);
        }
        let mut member_arcs = Vec::with_capacity(self.groups.len());
        for (g, kept) in self.groups.kept.iter().enumerate() {
            member_arcs.push(network.arcs());
            for &m in kept {
                let m = m as usize;
                let cost = edges::mentor_cost(self.instance, self.rules, m);
                let cap = self.mentor_left[m] as i32;
                let school = n.schools + self.instance.mentors[m].school as usize;
                let to = if kept_by[m] > 1 {
                    n.mentors + m
                } else {
                    school
                };
                network.add(n.groups + g, to, cap, cost);
            }
        }
        for (m, _) in kept_by.iter().enumerate().filter(|(_, k)| **k > 1) {
            let school = n.schools + self.instance.mentors[m].school as usize;
            network.add(n.mentors + m, school, self.mentor_left[m] as i32, 0);
        }
        for (s, left) in self
            .school_left
            .iter()
            .enumerate()
            .filter(|(_, left)| **left > 0)
        {
            // Only a binding quota gathers high-needs schools in one node: the hub would
            // otherwise widen every search.
            let to = match self.limit_of[s] {
                Some(l) => n.districts + l as usize,
                None if self.to_high_needs(quota, s) => n.high_needs,
                None => n.sink,
            };
            network.add(n.schools + s, to, *left as i32, 0);
        }
        network.add(n.unplaced, n.sink, self.chosen.len() as i32, 0);
        // Quotas: their first units to the sink earn a bonus larger than anything else is
        // worth, so they are met whenever they can be, before placing the most candidates.
        let quota_bonus = self.quota_bonus(unplaced_cost);
        for (l, &(min, max)) in self.district_left.iter().enumerate() {
            // A district's node leads on to the high-needs node only when all its schools are
            // high-needs (`limits_cross_high_needs` keeps mixed districts out of that network).
            let all_high_needs = quota && !self.district_kinds[l].1;
            let to = if all_high_needs { n.high_needs } else { n.sink };
            let node = n.districts + l;
            if min > 0 {
                network.add(node, to, min as i32, -quota_bonus);
            }
            if max > min {
                network.add(node, to, (max - min) as i32, 0);
            }
        }
        let still_needed = if quota { self.high_needs_needed() } else { 0 };
        if still_needed > 0 {
            network.add(n.high_needs, n.sink, still_needed as i32, -quota_bonus);
        }
        network.add(n.high_needs, n.sink, self.chosen.len() as i32, 0);
        // Start every node upstream of a bonus high enough that no arc is negative in reduced
        // cost: downstream nodes first (a candidate is lifted when it is sent).
        for node in std::iter::once(n.high_needs)
            .chain(n.districts..n.count)
            .chain(n.schools..n.unplaced)
            .chain(n.mentors..n.schools)
            .chain(n.groups..n.mentors)
        {
            network.lift(node);
        }
        let order: Vec<usize> = (0..self.chosen.len())
            .filter(|c| !self.locked[*c])
            .collect();
        network.demand(n.sink, order.len() as u32);
        self.push_in_order(&mut network, order);
        (network, option_arcs, member_arcs)
    }

    /// Sends each candidate's unit. The order changes only the work, not the answer:
    /// candidates with few options go first, so those with many rarely have to unseat anyone.
    fn push_in_order(&self, network: &mut flow::Network, mut order: Vec<usize>) {
        order.sort_by_key(|&c| (self.complete_below[c] != i64::MAX, self.chosen[c].len(), c));
        for c in order {
            network.push_one(c);
        }
    }

    /// High-needs placements the quota still needs beyond the locked ones.
    fn high_needs_needed(&self) -> u32 {
        let locked = self
            .locked_placements
            .iter()
            .filter(|p| self.instance.schools[p.school as usize].high_needs)
            .count() as u32;
        self.high_needs_min.saturating_sub(locked)
    }

    /// What meeting a quota unit is worth: more than placing every candidate.
    fn quota_bonus(&self, unplaced_cost: i64) -> i64 {
        unplaced_cost.saturating_mul(self.chosen.len() as i64 + 1)
    }

    /// Finds the optimum and explains every unplaced candidate.
    pub fn solve(mut self) -> Solution {
        let instance = self.instance;
        // More than any set of placements can cost, so leaving someone unplaced never pays.
        let w = self.rules.weights;
        let longest_preferences = instance
            .candidates
            .iter()
            .map(|c| c.preferences.len() as i64)
            .max()
            .unwrap_or(0);
        let dearest = w.travel_per_km
            * (self.rules.max_travel_km.min(HALF_EARTH_KM).ceil() as i64 + 1)
            + w.preference_rank * longest_preferences
            + w.high_needs_priority
            + w.moved
            + w.cohort
            + w.mentor_quality * 10;
        let unplaced_cost = (dearest + 1).saturating_mul(instance.candidates.len() as i64 + 1);
        // How far the objective may be above the optimum: 0 from the network alone.
        // (`None` when no bound is proven.)
        let (mut placements, unplaced, proven_gap) = if w.cohort > 0 {
            self.gather_cohorts(unplaced_cost)
        } else {
            self.settle(unplaced_cost)
        };
        let mut unplaced: Vec<(u32, Unplaced)> = (unplaced.into_iter())
            .map(|c| {
                let mut compatible = 0u32;
                self.options.each(&self.groups, c as usize, |o| {
                    compatible += self.groups.members[o.group as usize].len() as u32
                });
                (c, explain(instance, self.rules, c as usize, compatible))
            })
            .collect();
        placements.append(&mut self.locked_placements);
        placements.sort_by_key(|p| p.candidate);
        self.charge_cohorts(&mut placements);
        if let Some(cap) = self.rules.program_school_cap {
            self.explain_cohorts(cap, &placements, &mut unplaced);
        }
        let edges = self.chosen.iter().map(Vec::len).sum();
        let cost = placements
            .iter()
            .filter(|p| !p.locked)
            .map(|p| p.cost.total());
        let more = proven_gap.map_or(unplaced.len() as u32, |gap| {
            may_place_more(gap, cost.sum(), unplaced_cost, unplaced.len())
        });
        Solution::of(
            (instance, self.rules, self.high_needs_min),
            placements,
            unplaced,
            (proven_gap, more),
            edges,
        )
    }

    /// The answer without a cohort weight: the placements (not the locked ones), the unplaced
    /// candidates, and how far the cost may be above the optimum (`None` when no bound is
    /// proven).
    fn settle(&mut self, unplaced_cost: i64) -> (Vec<Placement>, Vec<u32>, Option<i64>) {
        let (solved, gap) = self.meet_all(unplaced_cost);
        let (mut placements, mut unplaced) = self.placed(&solved);
        // Non-negative reduced costs on every residual arc, and on every option left out,
        // prove the solution optimal.
        let mut gap = solved.0.certified().then_some(gap);
        drop(solved);
        if self.rules.program_school_cap.is_some() {
            let cost = |placements: &[Placement]| -> i64 {
                placements.iter().map(|p| p.cost.total()).sum()
            };
            let before = cost(&placements);
            let added = self.fill_under_cap(&mut placements, &mut unplaced);
            // Each candidate placed is one fewer left unplaced; placements and moves cost.
            let more = cost(&placements) - before;
            gap = gap.map(|gap| (gap - added as i64 * unplaced_cost + more).max(0));
        }
        (placements, unplaced, gap)
    }

    /// The optimum under every rule, at the current prices: returns it and how far its cost
    /// may be above the optimum.
    fn meet_all(&mut self, unplaced_cost: i64) -> (Solved, i64) {
        let free = self.optimize(unplaced_cost, false);
        match self.rules.high_needs_percent {
            Some(percent) => self.meet_percentage(unplaced_cost, percent, free),
            None => self.meet_rules(unplaced_cost, free),
        }
    }

    /// The placements a solved network makes (not the locked ones), by candidate, and the
    /// candidates it leaves unplaced.
    fn placed(&self, solved: &Solved) -> (Vec<Placement>, Vec<u32>) {
        let (network, option_arcs, member_arcs) = solved;
        // Pair, in each group, the candidates who entered it with the mentors it sent them to.
        let mut entering: Vec<Vec<u32>> = vec![Vec::new(); self.groups.len()];
        let mut unplaced = Vec::new();
        for c in (0..self.chosen.len()).filter(|c| !self.locked[*c]) {
            match (self.chosen[c].iter().zip(&option_arcs[c])).find(|(_, a)| network.flow(**a) > 0)
            {
                Some((o, _)) => entering[o.group as usize].push(c as u32),
                None => unplaced.push(c as u32),
            }
        }
        let mut placements = Vec::new();
        for (g, candidates) in entering.iter().enumerate() {
            let mut mentors = Vec::new();
            for (i, &m) in self.groups.kept[g].iter().enumerate() {
                let used = network.flow(member_arcs[g] + i);
                mentors.extend(std::iter::repeat_n(m, used.max(0) as usize));
            }
            for (&c, &m) in candidates.iter().zip(&mentors) {
                placements.push(placement(
                    self.instance,
                    self.rules,
                    c as usize,
                    m as usize,
                    false,
                ));
            }
        }
        placements.sort_by_key(|p| p.candidate);
        (placements, unplaced)
    }

    /// From the optimum without quotas: the high-needs quota met, then the program × school
    /// cap kept. Returns the solution and how far its cost may be above the optimum.
    fn meet_rules(&mut self, unplaced_cost: i64, free: Solved) -> (Solved, i64) {
        let (solved, lower, upper) = self.meet_high_needs(unplaced_cost, free);
        match self.binding_cap(&solved) {
            Some(cap) => self.cap_programs(unplaced_cost, cap, (solved, lower, upper)),
            None => (solved, upper - lower),
        }
    }

    /// The high-needs percentage, as a minimum: that share of the most placements every other
    /// rule allows (locks count). Under a binding program × school cap, the most placements
    /// are those of the cap's solution without the quota — and when that solution meets the
    /// percentage too, it is the answer.
    fn meet_percentage(&mut self, unplaced_cost: i64, percent: u32, free: Solved) -> (Solved, i64) {
        let needed = |placed: usize| (placed as u64 * u64::from(percent)).div_ceil(100) as u32;
        let locks = self.rules.locks.len();
        if self.binding_cap(&free).is_none() {
            let placed = self.placed_in(&free).iter().flatten().count() + locks;
            self.high_needs_min = self.high_needs_min.max(needed(placed));
            return self.meet_rules(unplaced_cost, free);
        }
        let (own_min, options) = (self.high_needs_min, self.chosen.clone());
        self.high_needs_min = 0;
        let (capped, gap) = self.meet_rules(unplaced_cost, free);
        let placed = self.placed_in(&capped).iter().flatten().count() + locks;
        self.high_needs_min = own_min.max(needed(placed));
        if self.high_needs_in(&capped) >= self.high_needs_needed() {
            // (Its bound holds with the quota too: the quota only takes solutions away.)
            return (capped, gap);
        }
        drop(capped);
        (self.chosen, self.pair_price) = (options, HashMap::new());
        self.high_needs_bonus = 0;
        let free = self.optimize(unplaced_cost, false);
        self.meet_rules(unplaced_cost, free)
    }

    /// The program × school cap, when a solution breaks it.
    fn binding_cap(&self, solved: &Solved) -> Option<u32> {
        let cap = self.rules.program_school_cap?;
        let over = self.over_cap(&self.pair_counts(&self.placed_in(solved)), cap);
        (!over.is_empty()).then_some(cap)
    }

    /// The optimum under every rule the network carries, the program × school cap's prices
    /// in the option costs. Returns it with a lower bound on the cost of any solution and
    /// its own cost, both counted as the network with every quota in it counts them: each
    /// quota unit met earns its bonus. (The two differ only when the quotas cross.)
    fn solve_network(&mut self, unplaced_cost: i64) -> (Solved, i64, i64) {
        self.high_needs_bonus = 0;
        let free = self.optimize(unplaced_cost, false);
        self.meet_high_needs(unplaced_cost, free)
    }

    /// `solve_network` from the optimum without the high-needs quota (and its price): when
    /// that optimum meets the quota anyway, it is also the optimum with it. Only a binding
    /// quota needs the (slower) bonus network.
    fn meet_high_needs(&mut self, unplaced_cost: i64, solved: Solved) -> (Solved, i64, i64) {
        let needed = self.high_needs_needed();
        if needed > 0 && self.high_needs_in(&solved) < needed {
            return if self.limits_cross_high_needs() {
                self.price_high_needs(unplaced_cost)
            } else {
                let solved = self.optimize(unplaced_cost, true);
                let cost = solved.0.cost();
                (solved, cost, cost)
            };
        }
        // (Met without its bonus arc: with it, the same flow earns the bonus for every unit.)
        let cost = solved.0.cost() - self.quota_bonus(unplaced_cost) * i64::from(needed);
        (solved, cost, cost)
    }

    /// The schools of the candidates a solved network places (not the locked ones), with
    /// what their option costs.
    fn placed_in(&self, solved: &Solved) -> Vec<Option<(u32, i64)>> {
        let (network, option_arcs, _) = solved;
        (0..self.chosen.len())
            .map(|c| {
                let (o, _) = (self.chosen[c].iter().zip(&option_arcs[c]))
                    .find(|(_, arc)| network.flow(**arc) > 0)?;
                Some((self.groups.school[o.group as usize], self.option_cost(c, o)))
            })
            .collect()
    }

    /// Placements per (program, school) in a solved network, beside the locked ones.
    fn pair_counts(&self, placed: &[Option<(u32, i64)>]) -> HashMap<(u32, u32), i64> {
        let mut counts = HashMap::new();
        for (c, at) in placed.iter().enumerate() {
            if let Some((school, _)) = at {
                let pair = (self.instance.candidates[c].program, *school);
                *counts.entry(pair).or_insert(0) += 1;
            }
        }
        counts
    }

    /// Placements a (program, school) pair may still take under the cap, beside the locks.
    fn pair_room(&self, cap: u32, pair: &(u32, u32)) -> i64 {
        let locked = self.locked_pairs.get(pair).copied().unwrap_or(0);
        (i64::from(cap) - locked).max(0)
    }

    fn price_of(&self, pair: &(u32, u32)) -> i64 {
        self.pair_price.get(pair).copied().unwrap_or(0)
    }

    /// What the prices add to the cost of placements counted per pair.
    fn priced(&self, counts: &HashMap<(u32, u32), i64>) -> i64 {
        counts.iter().map(|(pair, n)| self.price_of(pair) * n).sum()
    }

    /// The (program, school) pairs over the cap, in order, given the placements per pair.
    fn over_cap(&self, counts: &HashMap<(u32, u32), i64>, cap: u32) -> Vec<(u32, u32)> {
        let mut over: Vec<(u32, u32)> = (counts.iter())
            .filter(|(pair, n)| **n > self.pair_room(cap, pair))
            .map(|(pair, _)| *pair)
            .collect();
        over.sort_unstable();
        over
    }

    /// The program × school cap, which no network carries. Its pairs are priced (Lagrangian
    /// relaxation): each set of prices proves a lower bound, and the prices move by
    /// subgradient steps (Polyak's, once a solution keeping the cap is known). When no round
    /// finds a solution keeping the cap, one is made by repair (see `repair_caps`) and the
    /// prices move on towards its cost. The cheapest solution keeping the cap is the answer.
    /// Returns it and how far its cost may be from the optimum. Starts from the network's
    /// solution without prices (as `solve_network` returns it).
    fn cap_programs(
        &mut self,
        unplaced_cost: i64,
        cap: u32,
        first: (Solved, i64, i64),
    ) -> (Solved, i64) {
        let mut search = CapSearch {
            best: None,
            best_lower: first.1,
            scale: 1.0,
            stalled: 0,
        };
        self.price_caps(unplaced_cost, cap, &mut search, first);
        if search.best.is_none() {
            let repaired = self.repair_caps(unplaced_cost, cap);
            search.best = Some(repaired);
            search.scale = 1.0;
            let again = self.solve_network(unplaced_cost);
            self.price_caps(unplaced_cost, cap, &mut search, again);
        }
        let (solved, chosen, cost) = match search.best.take() {
            Some(best) => best,
            None => self.repair_caps(unplaced_cost, cap),
        };
        if let Some(chosen) = chosen {
            self.chosen = chosen;
        }
        (solved, (cost - search.best_lower).max(0))
    }

    /// Rounds of prices for the program × school cap, from a solution at the current prices.
    fn price_caps(
        &mut self,
        unplaced_cost: i64,
        cap: u32,
        search: &mut CapSearch,
        (solved, lower, upper): (Solved, i64, i64),
    ) {
        const ROUNDS: usize = 30;
        let dearest = unplaced_cost / (self.chosen.len() as i64 + 1);
        let (mut current, mut current_lower, mut current_upper) = (solved, lower, upper);
        for _ in 0..ROUNDS {
            let counts = self.pair_counts(&self.placed_in(&current));
            let mut pairs: Vec<(u32, u32)> =
                (counts.keys().chain(self.pair_price.keys()).copied()).collect();
            pairs.sort_unstable();
            pairs.dedup();
            // Each pair's excess over the cap, where it can move its price (not below 0).
            let excess: Vec<((u32, u32), i64)> = (pairs.iter())
                .map(|pair| {
                    let count = counts.get(pair).copied().unwrap_or(0);
                    (*pair, count - self.pair_room(cap, pair))
                })
                .filter(|(pair, e)| *e > 0 || self.price_of(pair) > 0)
                .collect();
            if excess.iter().all(|(_, e)| *e <= 0) {
                let cost = current_upper - self.priced(&counts);
                if search.known().is_none_or(|known| cost < known) {
                    search.best = Some((current, None, cost));
                }
            } else {
                drop(current);
            }
            if search.known().is_some_and(|cost| cost <= search.best_lower) {
                return;
            }
            let norm: i64 = excess.iter().map(|(_, e)| e * e).sum();
            if norm == 0 {
                return;
            }
            // Polyak's step towards the best known cost (or, before one is known, a
            // placement's worth per unit over the cap).
            let over: i64 = excess.iter().map(|(_, e)| *e.max(&0)).sum();
            let target = (search.known()).unwrap_or(current_lower + dearest * over.max(1));
            let step = search.scale * (target - current_lower).max(1) as f64 / norm as f64;
            for (pair, e) in excess {
                // A pair over the cap goes up at least a unit, so that whole-number prices
                // never stall (and only those: moving both sides of a tie by a unit can step
                // over the price that breaks it, again and again).
                let moved = match (step * e as f64).round() as i64 {
                    0 if e > 0 => 1,
                    moved => moved,
                };
                let price = self.pair_price.entry(pair).or_insert(0);
                *price = (*price + moved).clamp(0, unplaced_cost);
            }
            self.pair_price.retain(|_, price| *price > 0);
            let (s, lower, upper) = self.solve_network(unplaced_cost);
            // For any solution y keeping the cap: cost(y) ≥ cost(y) + Σ λ·(count − room) ≥
            // the priced optimum − Σ λ·room.
            let priced_room: i64 = (self.pair_price.iter())
                .map(|(pair, price)| price * self.pair_room(cap, pair))
                .sum();
            (current, current_lower, current_upper) = (s, lower - priced_room, upper);
            search.lower_found(current_lower);
            // Steps a sixteenth of the first, and still no better bound: pricing has stalled.
            if search.scale < 1.0 / 16.0 {
                return;
            }
        }
    }

    /// A solution keeping the program × school cap, made from the network's at the current
    /// prices: a pair over the cap keeps the candidates it has who cost least there, up to the
    /// cap, and is closed to the rest of its program; the network is solved again, until every
    /// pair keeps the cap. Returns it with the options it was solved with and its cost; the
    /// pairs are opened again and the options restored, so later rounds still bound the whole
    /// problem.
    fn repair_caps(&mut self, unplaced_cost: i64, cap: u32) -> Capped {
        let options = self.chosen.clone();
        let (mut solved, _, mut upper) = self.solve_network(unplaced_cost);
        loop {
            let placed = self.placed_in(&solved);
            let over = self.over_cap(&self.pair_counts(&placed), cap);
            if over.is_empty() {
                break;
            }
            for pair in over {
                let mut there: Vec<(i64, u32)> = (placed.iter().enumerate())
                    .filter(|(c, at)| {
                        at.is_some_and(|(school, _)| school == pair.1)
                            && self.instance.candidates[*c].program == pair.0
                    })
                    .map(|(c, at)| (at.map_or(0, |(_, cost)| cost), c as u32))
                    .collect();
                there.sort_unstable();
                there.truncate(self.pair_room(cap, &pair) as usize);
                let kept: Vec<u32> = there.into_iter().map(|(_, c)| c).collect();
                self.closed.insert(pair, kept);
            }
            self.close_pairs();
            drop(solved);
            (solved, _, upper) = self.solve_network(unplaced_cost);
        }
        // Its cost without the prices it was solved with.
        let cost = upper - self.priced(&self.pair_counts(&self.placed_in(&solved)));
        self.closed.clear();
        let repaired_with = std::mem::replace(&mut self.chosen, options);
        (solved, Some(repaired_with), cost)
    }

    /// Says so when the cap is what keeps an unplaced candidate out of every school they could
    /// go to.
    fn explain_cohorts(
        &self,
        cap: u32,
        placements: &[Placement],
        unplaced: &mut [(u32, Unplaced)],
    ) {
        let mut counts: HashMap<(u32, u32), u32> = HashMap::new();
        for p in placements {
            let program = self.instance.candidates[p.candidate as usize].program;
            *counts.entry((program, p.school)).or_insert(0) += 1;
        }
        for (c, why) in unplaced.iter_mut() {
            let Unplaced::Taken { compatible } = *why else {
                continue;
            };
            let program = self.instance.candidates[*c as usize].program;
            let mut all_full = true;
            self.options.each(&self.groups, *c as usize, |o| {
                let school = self.groups.school[o.group as usize];
                all_full &= counts.get(&(program, school)).copied().unwrap_or(0) >= cap;
            });
            if all_full {
                *why = Unplaced::CohortFull { compatible };
            }
        }
    }

    /// The high-needs quota as a price when a limited district mixes high-needs schools and
    /// others (the two quotas cross, which no network carries): every high-needs placement is
    /// made cheaper by λ, the smallest λ that meets the quota is found by bisection, and each
    /// λ tried proves a lower bound (Lagrangian relaxation). Returns the solved network at
    /// that λ, a lower bound and its cost, counted as `solve_network` counts them.
    fn price_high_needs(&mut self, unplaced_cost: i64) -> (Solved, i64, i64) {
        let needed = self.high_needs_needed();
        let mut best_bound = i64::MIN;
        let mut at = |this: &mut Self, bonus: i64| {
            this.high_needs_bonus = bonus;
            let solved = this.optimize(unplaced_cost, false);
            let placed = this.high_needs_in(&solved);
            // For any solution y meeting the quota: cost(y) ≥ cost_λ(y) + λ·needed ≥ the
            // priced optimum + λ·needed.
            let bound = solved.0.cost() + bonus * i64::from(needed);
            best_bound = best_bound.max(bound);
            let unpriced = solved.0.cost() + bonus * i64::from(placed);
            (solved, placed, unpriced)
        };
        // Worth more than any placement: the most high-needs placements there can be.
        let (mut low, mut high) = (0, self.quota_bonus(unplaced_cost));
        let mut found = at(self, high);
        if found.1 < needed {
            // The quota cannot be met: every high-needs placement counts towards it, so this
            // price is the quota's own bonus, and the network's optimum is exact.
            let cost = found.0.0.cost();
            return (found.0, cost, cost);
        }
        while high - low > 1 {
            let middle = low + (high - low) / 2;
            let tried = at(self, middle);
            if tried.1 >= needed {
                (high, found) = (middle, tried);
            } else {
                low = middle;
            }
        }
        let (solved, _, unpriced) = found;
        self.high_needs_bonus = high;
        // Met: with the quota's bonus arc, every needed unit would earn its bonus.
        let bonus = self.quota_bonus(unplaced_cost) * i64::from(needed);
        (solved, best_bound - bonus, unpriced.max(best_bound) - bonus)
    }
}

/// A solution keeping the program × school cap: the solved network, the options it was solved
/// with (when they are not the prepared ones) and its cost.
type Capped = (Solved, Option<Vec<Vec<edges::Choice>>>, i64);

/// The search for the program × school cap's answer: the cheapest solution keeping it so far
/// (with the options it was solved with, when they differ from the prepared ones) and its cost,
/// the best lower bound, and the step's scale, halved when the bound stalls.
struct CapSearch {
    best: Option<Capped>,
    best_lower: i64,
    scale: f64,
    stalled: u32,
}

impl CapSearch {
    fn known(&self) -> Option<i64> {
        self.best.as_ref().map(|(_, _, cost)| *cost)
    }

    fn lower_found(&mut self, lower: i64) {
        if lower > self.best_lower {
            (self.best_lower, self.stalled) = (lower, 0);
        } else {
            self.stalled += 1;
            if self.stalled == 3 {
                (self.scale, self.stalled) = (self.scale / 2.0, 0);
            }
        }
    }
}

/// At most how many more candidates a solution may place than one whose placements (those not
/// locked) cost `cost`, that leaves `unplaced` unplaced and that is at most `gap` above the
/// optimum, counted as the network counts: each unplaced candidate costs `unplaced_cost`, more
/// than all placements together. One placing k more saves k · `unplaced_cost` and pays less
/// than one more `unplaced_cost` in placements, so it is below this one's cost by more than
/// the gap allows unless k < 1 + (gap − cost) / `unplaced_cost`.
fn may_place_more(gap: i64, cost: i64, unplaced_cost: i64, unplaced: usize) -> u32 {
    let over = gap - cost;
    if over <= 0 {
        return 0;
    }
    let k = over.saturating_add(unplaced_cost - 1) / unplaced_cost;
    k.min(unplaced as i64) as u32
}

/// Placements and shortfall per district limit.
fn districts_placed(
    instance: &Instance,
    rules: &Rules,
    placements: &[Placement],
) -> Vec<DistrictPlaced> {
    rules
        .districts
        .iter()
        .map(|limit| {
            let placed = placements
                .iter()
                .filter(|p| instance.schools[p.school as usize].district == limit.district)
                .count() as u32;
            DistrictPlaced {
                district: limit.district,
                placed,
                short: limit.min.saturating_sub(placed),
            }
        })
        .collect()
}

fn placement(instance: &Instance, rules: &Rules, c: usize, m: usize, locked: bool) -> Placement {
    let cand = &instance.candidates[c];
    let school = instance.mentors[m].school;
    let s = &instance.schools[school as usize];
    let km = geo::distance_km(cand.lat, cand.lon, s.lat, s.lon);
    Placement {
        candidate: c as u32,
        mentor: m as u32,
        school,
        km,
        cost: edges::cost(instance, rules, c, m, km),
        locked,
    }
}

/// Why candidate `c` (with `edges` allowed mentors) is unplaced.
fn explain(instance: &Instance, rules: &Rules, c: usize, edges: u32) -> Unplaced {
    if edges > 0 {
        return Unplaced::Taken { compatible: edges };
    }
    let cand = &instance.candidates[c];
    let fits =
        |m: &Mentor| m.areas.contains(cand.area) && m.bands.contains(cand.band) && m.capacity > 0;
    // (Each school's distance once, not once per mentor.)
    let school_km: Vec<f64> = (instance.schools.iter())
        .map(|s| geo::distance_km(cand.lat, cand.lon, s.lat, s.lon))
        .collect();
    let km = |m: &Mentor| school_km[m.school as usize];
    let near: Vec<&Mentor> = instance
        .mentors
        .iter()
        .filter(|m| fits(m) && km(m) <= rules.max_travel_km)
        .collect();
    let eligible_near = near.iter().filter(|m| m.eligible).count() as u32;
    if near.is_empty() {
        let nearest = instance
            .mentors
            .iter()
            .filter(|m| fits(m) && m.eligible)
            .map(km)
            .fold(None, |best: Option<f64>, d| {
                Some(best.map_or(d, |b| b.min(d)))
            });
        return Unplaced::NoMentorNearby {
            nearest_km: nearest,
        };
    }
    if eligible_near == 0 {
        return Unplaced::NoneEligible {
            compatible: near.len() as u32,
        };
    }
    Unplaced::Excluded {
        compatible: eligible_near,
    }
}

#[cfg(test)]
mod tests {
    use super::may_place_more;

    #[test]
    fn a_gap_within_the_cost_proves_the_count_and_a_wider_one_counts_what_it_may_hide() {
        let unplaced_cost = 1_000;
        // (gap, cost of the placements, candidates unplaced) → may place more
        assert_eq!(may_place_more(0, 500, unplaced_cost, 3), 0);
        assert_eq!(may_place_more(500, 500, unplaced_cost, 3), 0);
        assert_eq!(may_place_more(501, 500, unplaced_cost, 3), 1);
        assert_eq!(may_place_more(1_500, 500, unplaced_cost, 3), 1);
        assert_eq!(may_place_more(1_501, 500, unplaced_cost, 3), 2);
        assert_eq!(
            may_place_more(i64::MAX, 0, unplaced_cost, 3),
            3,
            "never more than unplaced"
        );
    }
}
