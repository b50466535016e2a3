//! Tandem's placement matching engine: places the most candidates possible with mentor teachers
//! and, among those placements, the cheapest in total weighted cost — exactly, with an optimality
//! certificate — and says why each unplaced candidate could not be placed.
//!
//! Pure and synchronous: no I/O, no clock, no randomness; the same input gives the same output.
//!
//! Done so far: area and grade-band fit, eligibility, maximum travel, conflicts, allowed
//! districts, mentor capacities, school caps and locks, with travel, preference, mentor-quality
//! and high-needs costs. Not yet: high-needs and district quotas, cohorts, program × school caps,
//! deferred acceptance (see the issue tracker).

mod edges;
mod flow;
pub mod generate;
pub mod geo;
pub mod model;

pub use edges::Cost;
pub use model::{Areas, Bands, Candidate, Instance, Mentor, Rules, School, Weights};

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
}

impl Unplaced {
    /// A sentence for the coordinator, given how the caller names the area and band.
    pub fn describe(&self, area: &str, band: &str, max_km: f64) -> String {
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
                format!(
                    "the {compatible} {band} {area} mentors within {max_km:.0} km are not eligible"
                )
            }
            Unplaced::Excluded { compatible } => format!(
                "the {compatible} compatible mentors within {max_km:.0} km are in schools excluded by conflicts or district limits"
            ),
            Unplaced::Taken { compatible } => format!(
                "the {compatible} compatible mentors within {max_km:.0} km went to candidates who had no other option"
            ),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Solution {
    pub placements: Vec<Placement>,
    pub unplaced: Vec<(u32, Unplaced)>,
    /// Total cost of the placements.
    pub objective: i64,
    /// A proven lower bound on the cost of any solution placing as many candidates.
    pub bound: i64,
    /// Candidate → mentor edges considered.
    pub edges: usize,
}

impl Solution {
    pub fn gap(&self) -> i64 {
        self.objective - self.bound
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
        if let Some(s) = c
            .preferences
            .iter()
            .chain(&c.conflicts)
            .find(|s| **s >= schools)
        {
            return Err(InstanceError(format!(
                "candidate {i}: school {s} does not exist"
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
    if !rules.max_travel_km.is_finite() || rules.max_travel_km < 0.0 {
        return Err(InstanceError(
            "the travel limit must be a positive number of kilometres".into(),
        ));
    }
    Ok(())
}

/// Solves `instance` under `rules`.
pub fn solve(instance: &Instance, rules: &Rules) -> Result<Solution, InstanceError> {
    Ok(prepare(instance, rules)?.solve())
}

/// An instance checked, its locks placed and its edges built: ready to solve. (Split from
/// solving so that callers can time the two apart.)
pub struct Prepared<'a> {
    instance: &'a Instance,
    rules: &'a Rules,
    locked: Vec<bool>,
    mentor_left: Vec<i64>,
    school_left: Vec<i64>,
    locked_placements: Vec<Placement>,
    edges: edges::Edges,
}

impl Prepared<'_> {
    /// Candidate → mentor edges allowed by the hard rules.
    pub fn edges(&self) -> usize {
        self.edges.len()
    }
}

/// Checks the instance, places the locks and builds the edges from the spatial index.
pub fn prepare<'a>(
    instance: &'a Instance,
    rules: &'a Rules,
) -> Result<Prepared<'a>, InstanceError> {
    check(instance, rules)?;
    // Locks are placed first and take their capacity out of the network.
    let mut locked = vec![false; instance.candidates.len()];
    let mut mentor_left: Vec<i64> = instance
        .mentors
        .iter()
        .map(|m| i64::from(m.capacity))
        .collect();
    let mut school_left: Vec<i64> = instance.schools.iter().map(|s| i64::from(s.cap)).collect();
    let mut locked_placements = Vec::new();
    for &(c, m) in &rules.locks {
        locked[c as usize] = true;
        mentor_left[m as usize] -= 1;
        school_left[instance.mentors[m as usize].school as usize] -= 1;
        locked_placements.push(placement(instance, rules, c as usize, m as usize, true));
    }
    let edges = edges::build(instance, rules, &locked);
    Ok(Prepared {
        instance,
        rules,
        locked,
        mentor_left,
        school_left,
        locked_placements,
        edges,
    })
}

impl Prepared<'_> {
    /// Finds the optimum and explains every unplaced candidate.
    pub fn solve(self) -> Solution {
        let Prepared {
            instance,
            rules,
            locked,
            mentor_left,
            school_left,
            mut locked_placements,
            edges,
        } = self;
        let (nc, nm, ns) = (
            instance.candidates.len(),
            instance.mentors.len(),
            instance.schools.len(),
        );
        let max_cost = edges.cost.iter().copied().max().unwrap_or(0).max(0);
        // More than any set of placements can cost, so leaving someone unplaced never pays.
        let unplaced_cost = max_cost.saturating_mul(nc as i64 + 1).saturating_add(1);

        let (mentor0, school0) = (nc, nc + nm);
        let (unplaced, sink) = (nc + nm + ns, nc + nm + ns + 1);
        let mut network = flow::Network::new(sink + 1);
        let mut edge_arcs = vec![0usize; edges.len()];
        for c in (0..nc).filter(|c| !locked[*c]) {
            for e in edges.of(c) {
                edge_arcs[e] = network.add(c, mentor0 + edges.mentor[e] as usize, 1, edges.cost[e]);
            }
            network.add(c, unplaced, 1, unplaced_cost);
        }
        for (m, left) in mentor_left.iter().enumerate() {
            if *left > 0 {
                network.add(
                    mentor0 + m,
                    school0 + instance.mentors[m].school as usize,
                    *left as i32,
                    0,
                );
            }
        }
        for (s, left) in school_left.iter().enumerate() {
            if *left > 0 {
                network.add(school0 + s, sink, *left as i32, 0);
            }
        }
        network.add(unplaced, sink, nc as i32, 0);
        for c in (0..nc).filter(|c| !locked[*c]) {
            network.push_one(c, sink);
        }
        let certified = network.certified();

        let mut placements = std::mem::take(&mut locked_placements);
        let mut unplaced_list = Vec::new();
        for c in (0..nc).filter(|c| !locked[*c]) {
            match edges.of(c).find(|e| network.used(edge_arcs[*e])) {
                Some(e) => placements.push(placement(
                    instance,
                    rules,
                    c,
                    edges.mentor[e] as usize,
                    false,
                )),
                None => unplaced_list.push((
                    c as u32,
                    explain(instance, rules, c, edges.of(c).len() as u32),
                )),
            }
        }
        placements.sort_by_key(|p| p.candidate);
        let objective = placements.iter().map(|p| p.cost.total()).sum();
        Solution {
            placements,
            unplaced: unplaced_list,
            objective,
            // Non-negative reduced costs on every residual arc prove the flow optimal.
            bound: if certified { objective } else { i64::MIN },
            edges: edges.len(),
        }
    }
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
    let km = |m: &Mentor| {
        let s = &instance.schools[m.school as usize];
        geo::distance_km(cand.lat, cand.lon, s.lat, s.lon)
    };
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
