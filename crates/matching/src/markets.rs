//! Independent markets. Candidates who have no school within reach in common never compete for
//! a mentor, so a state splits into markets (metros, mostly) that are solved apart, on as many
//! threads as the machine has, and their answers joined: the same optimum as one network, sooner.
//!
//! Markets are found coarsely, which is safe: schools in one cell of a spatial grid count as
//! one place, and a candidate reaches every cell the travel limit may touch. Rules that tie
//! markets together (district limits, a program × school cap, cohorts, a high-needs share) keep
//! the instance whole. A high-needs minimum does not: the markets are solved without it, and
//! when their joined answer meets it that answer is optimal with it too (it is the optimum of
//! a looser problem); when it does not, the caller solves the whole instance.

use crate::geo::Grid;
use crate::model::{Instance, Rules};
use crate::{Placement, Solution, Unplaced, explain, prepare};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The fewest candidates two bins need each for solving apart to be worth the threads.
const SMALL: usize = 64;

/// Markets are gathered into this many bins, whatever the machine, so that the answer does not
/// depend on how many threads it has.
const BINS: usize = 4;

/// One market: an instance of its own (every school, its mentors and candidates) and where its
/// candidates and mentors are in the whole.
struct Market {
    instance: Instance,
    rules: Rules,
    candidates: Vec<u32>,
    mentors: Vec<u32>,
}

/// Solves `instance` market by market; `None` when one market holds most of its candidates,
/// when its rules tie the markets together, or when the joined answer misses the high-needs
/// minimum.
pub(crate) fn solve_apart(instance: &Instance, rules: &Rules) -> Option<Solution> {
    let ties = !rules.districts.is_empty()
        || rules.program_school_cap.is_some()
        || rules.weights.cohort > 0
        || rules.high_needs_percent.is_some();
    if ties || instance.candidates.len() < 2 * SMALL {
        return None;
    }
    let markets = split(instance, rules)?;
    let solutions = solve_each(&markets)?;
    let joined = join(instance, rules, &markets, solutions);
    (joined.high_needs_placed >= rules.high_needs_min).then_some(joined)
}

/// The markets, balanced over `BINS` bins; `None` unless two bins hold `SMALL` or more.
fn split(instance: &Instance, rules: &Rules) -> Option<Vec<Market>> {
    let schools = &instance.schools;
    let grid = Grid::new(
        (schools.iter().enumerate()).map(|(i, s)| (i as u32, s.lat, s.lon)),
        rules.max_travel_km,
    );
    // Union-find over the grid's cells, then the candidates.
    let cells = grid.cells();
    let mut parent: Vec<u32> = (0..(cells + instance.candidates.len()) as u32).collect();
    for (c, cand) in instance.candidates.iter().enumerate() {
        for cell in grid.cells_near(cand.lat, cand.lon, rules.max_travel_km) {
            union(&mut parent, cells + c, cell);
        }
    }
    let school_cell = |s: u32| grid.cell(schools[s as usize].lat, schools[s as usize].lon);
    for &(c, m) in &rules.locks {
        let cell = school_cell(instance.mentors[m as usize].school);
        union(&mut parent, cells + c as usize, cell);
    }
    // Each market's candidates, biggest first.
    let mut by_root: std::collections::BTreeMap<u32, Vec<u32>> = Default::default();
    for c in 0..instance.candidates.len() {
        let root = find(&mut parent, cells + c);
        by_root.entry(root).or_default().push(c as u32);
    }
    let mut found: Vec<(u32, Vec<u32>)> = by_root.into_iter().collect();
    found.sort_by_key(|(root, candidates)| (std::cmp::Reverse(candidates.len()), *root));
    // The biggest market sets the time: apart, one holding most candidates only adds the
    // other markets' preparation (Michigan: 3,867 of 4,000).
    if found
        .first()
        .is_some_and(|(_, c)| c.len() * 4 > instance.candidates.len() * 3)
    {
        return None;
    }
    let mut bins: Vec<(Vec<u32>, Vec<u32>)> = vec![Default::default(); BINS];
    for (root, candidates) in found {
        let bin = (0..bins.len())
            .min_by_key(|&b| bins[b].1.len())
            .unwrap_or(0);
        bins[bin].0.push(root);
        bins[bin].1.extend(candidates);
    }
    bins.retain(|(_, candidates)| !candidates.is_empty());
    if bins.iter().filter(|b| b.1.len() >= SMALL).count() < 2 {
        return None;
    }
    let mut bin_of_root = std::collections::HashMap::new();
    for (b, (roots, _)) in bins.iter().enumerate() {
        for &root in roots {
            bin_of_root.insert(root, b);
        }
    }
    let mut mentors_of: Vec<Vec<u32>> = vec![Vec::new(); bins.len()];
    for (m, mentor) in instance.mentors.iter().enumerate() {
        let root = find(&mut parent, school_cell(mentor.school));
        if let Some(&b) = bin_of_root.get(&root) {
            mentors_of[b].push(m as u32);
        }
    }
    let markets = bins
        .into_iter()
        .zip(mentors_of)
        .map(|((_, mut candidates), mentors)| {
            candidates.sort_unstable();
            market(instance, rules, candidates, mentors)
        })
        .collect();
    Some(markets)
}

fn find(parent: &mut [u32], mut x: usize) -> u32 {
    while parent[x] as usize != x {
        parent[x] = parent[parent[x] as usize];
        x = parent[x] as usize;
    }
    x as u32
}

fn union(parent: &mut [u32], a: usize, b: usize) {
    let (a, b) = (find(parent, a), find(parent, b));
    // The lower root wins: the markets do not depend on the order of unions.
    let (low, high) = (a.min(b), a.max(b));
    parent[high as usize] = low;
}

/// A market's own instance: every school (so school indices stay as they are), its mentors
/// and its candidates renumbered, the high-needs minimum left to the join.
fn market(instance: &Instance, rules: &Rules, candidates: Vec<u32>, mentors: Vec<u32>) -> Market {
    let mut local_mentor = vec![u32::MAX; instance.mentors.len()];
    for (i, &m) in mentors.iter().enumerate() {
        local_mentor[m as usize] = i as u32;
    }
    let mut local_candidate = vec![u32::MAX; instance.candidates.len()];
    for (i, &c) in candidates.iter().enumerate() {
        local_candidate[c as usize] = i as u32;
    }
    let own = Instance {
        candidates: (candidates.iter())
            .map(|&c| {
                let mut cand = instance.candidates[c as usize].clone();
                // A mentor of another market is out of reach anyway.
                cand.excluded_mentors = (cand.excluded_mentors.iter())
                    .map(|&m| local_mentor[m as usize])
                    .filter(|&m| m != u32::MAX)
                    .collect();
                cand
            })
            .collect(),
        mentors: mentors
            .iter()
            .map(|&m| instance.mentors[m as usize].clone())
            .collect(),
        schools: instance.schools.clone(),
    };
    let own_rules = Rules {
        locks: (rules.locks.iter())
            .filter(|(c, _)| local_candidate[*c as usize] != u32::MAX)
            .map(|&(c, m)| (local_candidate[c as usize], local_mentor[m as usize]))
            .collect(),
        high_needs_min: 0,
        ..rules.clone()
    };
    Market {
        instance: own,
        rules: own_rules,
        candidates,
        mentors,
    }
}

/// Solves every market, the biggest first, each thread taking the next one left.
fn solve_each(markets: &[Market]) -> Option<Vec<Solution>> {
    let next = AtomicUsize::new(0);
    let solved: Mutex<Vec<Option<Solution>>> = Mutex::new(vec![None; markets.len()]);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    std::thread::scope(|scope| {
        for _ in 0..threads.min(markets.len()) {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(market) = markets.get(i) else {
                        break;
                    };
                    let solution = prepare(&market.instance, &market.rules).map(|p| p.solve());
                    if let (Ok(solution), Ok(mut solved)) = (solution, solved.lock()) {
                        solved[i] = Some(solution);
                    }
                }
            });
        }
    });
    solved.into_inner().ok()?.into_iter().collect()
}

/// The markets' answers as one, in the whole instance's numbering.
fn join(
    instance: &Instance,
    rules: &Rules,
    markets: &[Market],
    solutions: Vec<Solution>,
) -> Solution {
    let mut placements: Vec<Placement> = Vec::new();
    let mut unplaced: Vec<(u32, Unplaced)> = Vec::new();
    let (mut gap, mut more, mut edges) = (Some(0i64), 0u32, 0usize);
    for (market, solution) in markets.iter().zip(solutions) {
        // (`i64::MIN`: no bound proven for that market, so none for the whole.)
        let proven = (solution.bound != i64::MIN).then(|| solution.gap());
        gap = gap.zip(proven).map(|(a, b)| a + b);
        edges += solution.edges;
        more += solution.may_place_more;
        placements.extend(solution.placements.into_iter().map(|p| Placement {
            candidate: market.candidates[p.candidate as usize],
            mentor: market.mentors[p.mentor as usize],
            ..p
        }));
        unplaced.extend(solution.unplaced.into_iter().map(|(c, why)| {
            let c = market.candidates[c as usize];
            // The nearest mentor beyond reach may be in another market.
            let why = match why {
                Unplaced::NoMentorNearby { .. } => explain(instance, rules, c as usize, 0),
                why => why,
            };
            (c, why)
        }));
    }
    placements.sort_by_key(|p| p.candidate);
    unplaced.sort_by_key(|(c, _)| *c);
    Solution::of(
        (instance, rules, rules.high_needs_min),
        placements,
        unplaced,
        (gap, more),
        edges,
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::model::{Areas, Bands, Candidate, Mentor, Preference, School};
    use proptest::prelude::*;

    /// Metros 3° of latitude apart (far beyond the travel limit), each with schools, mentors
    /// and more candidates than `SMALL`, competing for scarce places.
    fn metros() -> impl Strategy<Value = Instance> {
        let metro = (
            proptest::collection::vec((0.0f64..0.3, 0.0f64..0.3, 1u32..3, any::<bool>()), 3..7),
            proptest::collection::vec((0usize..7, 0u8..2, 1u32..3, 0u8..=100), 20..40),
            proptest::collection::vec((0u8..2, 0.0f64..0.3, 0.0f64..0.3, 0usize..7), 64..80),
        );
        proptest::collection::vec(metro, 2..4).prop_map(|metros| {
            let mut instance = Instance::default();
            for (i, (schools, mentors, candidates)) in metros.into_iter().enumerate() {
                let (lat0, first) = (40.0 + 3.0 * i as f64, instance.schools.len());
                let n = schools.len();
                for (lat, lon, cap, high_needs) in schools {
                    instance.schools.push(School {
                        district: i as u32,
                        lat: lat0 + lat,
                        lon: -83.0 + lon,
                        cap,
                        high_needs,
                    });
                }
                for (school, area, capacity, quality) in mentors {
                    instance.mentors.push(Mentor {
                        school: (first + school % n) as u32,
                        areas: Areas::of(&[area]),
                        bands: Bands::of(&[0]),
                        capacity,
                        eligible: quality > 10,
                        quality,
                    });
                }
                for (area, lat, lon, preferred) in candidates {
                    instance.candidates.push(Candidate {
                        program: 0,
                        area,
                        band: 0,
                        lat: lat0 + lat,
                        lon: -83.0 + lon,
                        preferences: vec![Preference::School((first + preferred % n) as u32)],
                        allowed_districts: None,
                        conflicts: Vec::new(),
                        excluded_mentors: vec![(instance.mentors.len() - 1) as u32],
                        previous: None,
                    });
                }
            }
            instance
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]

        #[test]
        fn markets_solved_apart_reach_the_whole_networks_optimum(
            instance in metros(),
            quota in 0u32..120,
            lock in any::<bool>(),
        ) {
            let mut rules = Rules { max_travel_km: 40.0, high_needs_min: quota, ..Rules::default() };
            if lock {
                // The last candidate with the last mentor of its metro that fits.
                let c = instance.candidates.len() - 1;
                let area = instance.candidates[c].area;
                let m = (instance.mentors.iter()).rposition(|m| m.areas.contains(area) && m.eligible);
                rules.locks.extend(m.map(|m| (c as u32, m as u32)));
            }
            let markets = split(&instance, &rules).unwrap();
            prop_assert!(markets.len() >= 2);
            let whole = prepare(&instance, &rules).unwrap().solve();
            let apart = solve_apart(&instance, &rules);
            // Apart unless the markets, solved without it, miss the high-needs minimum.
            prop_assert_eq!(apart.is_some(), quota == 0 || apart.as_ref().is_some_and(|a| a.high_needs_placed >= quota));
            let answer = crate::solve(&instance, &rules).unwrap();
            prop_assert_eq!(answer.placements.len(), whole.placements.len());
            prop_assert_eq!(answer.objective, whole.objective);
            prop_assert_eq!(answer.bound, whole.bound);
            prop_assert_eq!(answer.high_needs_short, whole.high_needs_short);
            prop_assert_eq!(answer.placements.len() + answer.unplaced.len(), instance.candidates.len());
            for p in &answer.placements {
                let (cand, mentor) = (&instance.candidates[p.candidate as usize], &instance.mentors[p.mentor as usize]);
                prop_assert!(p.locked || (mentor.areas.contains(cand.area) && mentor.eligible));
                // (A lock is a decision people made: it stands whatever the rules say.)
                prop_assert!(p.locked || !cand.excluded_mentors.contains(&p.mentor));
                prop_assert_eq!(p.school, mentor.school);
            }
            for &(c, m) in &rules.locks {
                prop_assert!(answer.placements.iter().any(|p| p.candidate == c && p.mentor == m && p.locked));
            }
            // Deterministic: the same answer again.
            prop_assert_eq!(crate::solve(&instance, &rules).unwrap(), answer);
        }
    }
}
