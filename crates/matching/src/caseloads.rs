//! Supervisors' caseloads: which program supervisor visits each placement. Caseloads first
//! stay balanced — every supervisor ends between ⌊T/k⌋ and ⌈T/k⌉ placements (T placements in
//! all, k supervisors) unless what they already carry makes that impossible — and among
//! balanced assignments, the total travel from each supervisor's base to the schools is least.
//! Exact: a min-cost flow, visits → schools → supervisors, the balance's floor as bonus units.

use crate::flow::Network;
use crate::geo::distance_km;

/// A program supervisor: placements already in their caseload, and where they start from (a
/// supervisor with no base travels nowhere in the sums).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Supervisor {
    pub load: u32,
    pub base: Option<(f64, f64)>,
}

/// A school with placements to supervise.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Site {
    pub lat: f64,
    pub lon: f64,
    pub visits: u32,
}

/// Travel from a supervisor's base to a site, in tenths of a kilometre.
pub fn travel(supervisor: &Supervisor, site: &Site) -> i64 {
    supervisor.base.map_or(0, |(lat, lon)| {
        (distance_km(lat, lon, site.lat, site.lon) * 10.0).round() as i64
    })
}

/// Assigns every visit of every site: per site, how many of its visits go to each supervisor
/// (by index), in supervisor order. Empty lists when there are no supervisors.
pub fn assign(supervisors: &[Supervisor], sites: &[Site]) -> Vec<Vec<(usize, u32)>> {
    let open: u32 = sites.iter().map(|s| s.visits).sum();
    if supervisors.is_empty() || open == 0 {
        return vec![Vec::new(); sites.len()];
    }
    let k = supervisors.len() as u64;
    let total = u64::from(open) + supervisors.iter().map(|s| u64::from(s.load)).sum::<u64>();
    let (floor, ceil) = (total / k, total.div_ceil(k));
    // Meeting a floor unit is worth more than all the travel there is.
    let dearest = (supervisors.iter())
        .flat_map(|v| sites.iter().map(move |s| travel(v, s)))
        .max()
        .unwrap_or(0);
    let bonus = (dearest + 1).saturating_mul(i64::from(open) + 1);

    let visits = open as usize;
    let (site_node, supervisor_node) = (visits, visits + sites.len());
    let sink = supervisor_node + supervisors.len();
    let arcs = visits + sites.len() * supervisors.len() + 2 * supervisors.len();
    let mut network = Network::new(sink + 1, arcs);
    let mut node = 0;
    for (s, site) in sites.iter().enumerate() {
        for _ in 0..site.visits {
            network.add(node, site_node + s, 1, 0);
            node += 1;
        }
    }
    let mut arcs = vec![Vec::new(); sites.len()];
    for (s, site) in sites.iter().enumerate() {
        for (v, supervisor) in supervisors.iter().enumerate() {
            let cost = travel(supervisor, site);
            arcs[s].push(network.add(site_node + s, supervisor_node + v, site.visits as i32, cost));
        }
    }
    for (v, supervisor) in supervisors.iter().enumerate() {
        let load = u64::from(supervisor.load);
        let below_floor = floor.saturating_sub(load) as i32;
        let up_to_ceil = ceil.saturating_sub(load) as i32;
        if below_floor > 0 {
            network.add(supervisor_node + v, sink, below_floor, -bonus);
        }
        if up_to_ceil > below_floor {
            network.add(supervisor_node + v, sink, up_to_ceil - below_floor, 0);
        }
    }
    for node in (supervisor_node..sink).chain(site_node..supervisor_node) {
        network.lift(node);
    }
    // The ceilings hold every visit (k·⌈T/k⌉ ≥ T), and every site reaches every supervisor.
    network.demand(sink, open);
    for visit in 0..visits {
        network.push_one(visit);
    }
    arcs.iter()
        .map(|site_arcs| {
            (site_arcs.iter().enumerate())
                .map(|(v, &arc)| (v, network.flow(arc).max(0) as u32))
                .filter(|(_, n)| *n > 0)
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(lat: f64, visits: u32) -> Site {
        Site {
            lat,
            lon: 0.0,
            visits,
        }
    }

    fn based(lat: f64, load: u32) -> Supervisor {
        Supervisor {
            load,
            base: Some((lat, 0.0)),
        }
    }

    /// Every way to give each visit a supervisor: the least travel among the most balanced.
    fn brute_force(supervisors: &[Supervisor], sites: &[Site]) -> (u64, i64) {
        let visits: Vec<usize> = (sites.iter().enumerate())
            .flat_map(|(s, site)| std::iter::repeat_n(s, site.visits as usize))
            .collect();
        let k = supervisors.len();
        let mut best = (u64::MAX, i64::MAX);
        for code in 0..k.pow(visits.len() as u32) {
            let (mut code, mut loads, mut cost) = (code, vec![0u64; k], 0);
            for &s in &visits {
                let v = code % k;
                code /= k;
                loads[v] += 1;
                cost += travel(&supervisors[v], &sites[s]);
            }
            let total: u64 =
                visits.len() as u64 + supervisors.iter().map(|s| s.load as u64).sum::<u64>();
            let (floor, ceil) = (total / k as u64, total.div_ceil(k as u64));
            let fits = (loads.iter().zip(supervisors))
                .all(|(n, s)| *n == 0 || n + u64::from(s.load) <= ceil);
            if !fits {
                continue;
            }
            let short: u64 = (loads.iter().zip(supervisors))
                .map(|(n, s)| floor.saturating_sub(n + u64::from(s.load)))
                .sum();
            best = best.min((short, cost));
        }
        best
    }

    #[test]
    fn caseloads_stay_balanced_and_travel_least() {
        // Two supervisors, north and south; four schools. Balance forces one northern school's
        // visits south, and the nearer of the two goes.
        let supervisors = [based(1.0, 0), based(-1.0, 0)];
        let sites = [at(1.0, 2), at(0.9, 1), at(0.2, 1), at(-1.0, 0)];
        let assigned = assign(&supervisors, &sites);
        assert_eq!(assigned[0], vec![(0, 2)]);
        assert_eq!(
            assigned[1],
            vec![(1, 1)],
            "the nearer school to the south goes south"
        );
        assert_eq!(assigned[2], vec![(1, 1)]);
        assert!(assigned[3].is_empty());
        let cost: i64 = (assigned.iter().zip(&sites))
            .flat_map(|(a, s)| {
                a.iter()
                    .map(move |(v, n)| travel(&supervisors[*v], s) * i64::from(*n))
            })
            .sum();
        assert_eq!(brute_force(&supervisors, &sites).1, cost);
    }

    #[test]
    fn a_full_caseload_takes_no_more_and_no_supervisors_leave_visits_open() {
        let supervisors = [based(0.0, 3), based(5.0, 0)];
        let assigned = assign(&supervisors, &[at(0.0, 3)]);
        assert_eq!(
            assigned[0],
            vec![(1, 3)],
            "the near supervisor already carries ⌈6/2⌉"
        );
        assert_eq!(assign(&[], &[at(0.0, 2)]), vec![Vec::new()]);
    }

    #[test]
    fn matches_brute_force_on_small_cases() {
        let mut state = 7u64;
        let mut next = |n: u64| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 33) % n
        };
        for _ in 0..300 {
            let supervisors: Vec<Supervisor> = (0..1 + next(3))
                .map(|_| Supervisor {
                    load: next(3) as u32,
                    base: (next(4) > 0).then(|| (next(100) as f64 / 10.0, 0.0)),
                })
                .collect();
            let sites: Vec<Site> = (0..1 + next(3))
                .map(|_| at(next(100) as f64 / 10.0, next(3) as u32))
                .collect();
            let assigned = assign(&supervisors, &sites);
            let mut loads = vec![0u64; supervisors.len()];
            let mut cost = 0;
            for (site, a) in sites.iter().zip(&assigned) {
                assert_eq!(a.iter().map(|(_, n)| n).sum::<u32>(), site.visits);
                for &(v, n) in a {
                    loads[v] += u64::from(n);
                    cost += travel(&supervisors[v], site) * i64::from(n);
                }
            }
            let total: u64 =
                loads.iter().sum::<u64>() + supervisors.iter().map(|s| s.load as u64).sum::<u64>();
            let floor = total / supervisors.len() as u64;
            let short: u64 = (loads.iter().zip(&supervisors))
                .map(|(n, s)| floor.saturating_sub(n + u64::from(s.load)))
                .sum();
            assert_eq!(
                brute_force(&supervisors, &sites),
                (short, cost),
                "{supervisors:?} {sites:?}"
            );
        }
    }
}
