//! The engine against a brute-force reference on small random instances, and on hand-made
//! instances whose optimum is known.
#![allow(clippy::unwrap_used)]

use proptest::prelude::*;
use tandem_matching::geo::distance_km;
use tandem_matching::*;

/// Every assignment tried: the quotas (high-needs, district minimums) met as far as they can be,
/// district maximums and the program × school cap kept, then most placed, then least cost (the
/// cohort weight paid once per program and school used). Returns (quota units met, placed, cost).
fn brute_force(instance: &Instance, rules: &Rules) -> (usize, usize, i64) {
    let allowed = |c: usize, m: usize| -> Option<i64> {
        let cand = &instance.candidates[c];
        let mentor = &instance.mentors[m];
        let school = &instance.schools[mentor.school as usize];
        let km = distance_km(cand.lat, cand.lon, school.lat, school.lon);
        let ok = mentor.eligible
            && !cand.excluded_mentors.contains(&(m as u32))
            && mentor.areas.contains(cand.area)
            && mentor.bands.contains(cand.band)
            && km <= rules.max_travel_km
            && !cand.conflicts.contains(&mentor.school)
            && cand
                .allowed_districts
                .as_ref()
                .is_none_or(|d| d.contains(&school.district));
        ok.then(|| {
            let w = rules.weights;
            let rank = if cand.preferences.is_empty() {
                0
            } else {
                cand.preferences
                    .iter()
                    .position(|p| match *p {
                        Preference::School(s) => s == mentor.school,
                        Preference::District(d) => d == school.district,
                    })
                    .unwrap_or(cand.preferences.len()) as i64
                    * w.preference_rank
            };
            km.round() as i64 * w.travel_per_km
                + rank
                + (100 - i64::from(mentor.quality)) / 10 * w.mentor_quality
                + if school.high_needs {
                    0
                } else {
                    w.high_needs_priority
                }
                + if cand.previous.is_some_and(|p| p != mentor.school) {
                    w.moved
                } else {
                    0
                }
        })
    };
    struct Search<'a> {
        instance: &'a Instance,
        allowed: &'a dyn Fn(usize, usize) -> Option<i64>,
        mentor_left: Vec<u32>,
        school_left: Vec<u32>,
        /// Per district id (0–2): (minimum, placements still allowed), when limited.
        limits: Vec<Option<(u32, u32)>>,
        district_used: Vec<u32>,
        /// Per (program, school): placements, against the cap.
        pair_used: Vec<u32>,
        cap: u32,
        cohort: i64,
        quota: usize,
        /// (quota part met, placed, cost)
        best: (usize, usize, i64),
    }

    impl Search<'_> {
        fn go(&mut self, c: usize, placed: usize, high_needs: usize, cost: i64) {
            if c == self.instance.candidates.len() {
                let districts: u32 = (self.limits.iter().zip(&self.district_used))
                    .map(|(limit, used)| limit.map_or(0, |(min, _)| min.min(*used)))
                    .sum();
                let met = high_needs.min(self.quota) + districts as usize;
                let (best_met, best_placed, best_cost) = self.best;
                if (met, placed) > (best_met, best_placed)
                    || ((met, placed) == (best_met, best_placed) && cost < best_cost)
                {
                    self.best = (met, placed, cost);
                }
                return;
            }
            self.go(c + 1, placed, high_needs, cost);
            for m in 0..self.instance.mentors.len() {
                let s = self.instance.mentors[m].school as usize;
                let d = self.instance.schools[s].district as usize;
                let district_room =
                    self.limits[d].is_none_or(|(_, max)| self.district_used[d] < max);
                let pair =
                    self.instance.candidates[c].program as usize * self.instance.schools.len() + s;
                if self.mentor_left[m] > 0
                    && self.school_left[s] > 0
                    && district_room
                    && self.pair_used[pair] < self.cap
                    && let Some(edge) = (self.allowed)(c, m)
                {
                    self.mentor_left[m] -= 1;
                    self.school_left[s] -= 1;
                    self.district_used[d] += 1;
                    let cohort = if self.pair_used[pair] == 0 {
                        self.cohort
                    } else {
                        0
                    };
                    self.pair_used[pair] += 1;
                    let hn = usize::from(self.instance.schools[s].high_needs);
                    self.go(c + 1, placed + 1, high_needs + hn, cost + edge + cohort);
                    self.mentor_left[m] += 1;
                    self.school_left[s] += 1;
                    self.district_used[d] -= 1;
                    self.pair_used[pair] -= 1;
                }
            }
        }
    }

    let mut search = Search {
        instance,
        allowed: &allowed,
        mentor_left: instance.mentors.iter().map(|m| m.capacity).collect(),
        school_left: instance.schools.iter().map(|s| s.cap).collect(),
        limits: (0..3)
            .map(|d| {
                (rules.districts.iter())
                    .find(|l| l.district == d)
                    .map(|l| (l.min, l.max))
            })
            .collect(),
        district_used: vec![0; 3],
        pair_used: vec![0; 3 * instance.schools.len()],
        cap: rules.program_school_cap.unwrap_or(u32::MAX),
        cohort: rules.weights.cohort,
        quota: rules.high_needs_min as usize,
        best: (0, 0, i64::MAX),
    };
    search.go(0, 0, 0, 0);
    let (met, placed, cost) = search.best;
    if placed == 0 {
        (met, 0, 0)
    } else {
        (met, placed, cost)
    }
}

/// Up to three district limits, at most one per district.
fn district_limits() -> impl Strategy<Value = Vec<DistrictLimit>> {
    proptest::collection::vec((0u32..3, 0u32..3, 0u32..4), 0..3).prop_map(|limits| {
        let mut seen = Vec::new();
        limits
            .into_iter()
            .filter(|(d, _, _)| {
                !seen.contains(d) && {
                    seen.push(*d);
                    true
                }
            })
            .map(|(district, a, b)| DistrictLimit {
                district,
                min: a.min(b),
                max: a.max(b),
            })
            .collect()
    })
}

fn instance() -> impl Strategy<Value = Instance> {
    let school = (
        0u32..3,
        42.0f64..42.4,
        -83.4f64..-83.0,
        1u32..3,
        any::<bool>(),
    )
        .prop_map(|(district, lat, lon, cap, high_needs)| School {
            district,
            lat,
            lon,
            cap,
            high_needs,
        });
    let schools = proptest::collection::vec(school, 1..5);
    schools.prop_flat_map(|schools| {
        let n = schools.len() as u32;
        let mentor = (
            0..n,
            0u8..3,
            0u8..2,
            1u32..3,
            proptest::bool::weighted(0.85),
            0u8..=100,
        )
            .prop_map(|(school, area, band, capacity, eligible, quality)| Mentor {
                school,
                areas: Areas::of(&[area, (area + 1) % 3]),
                bands: Bands::of(&[band]),
                capacity,
                eligible,
                quality,
            });
        let candidate = (
            (0u32..3, 0u8..3),
            0u8..2,
            42.0f64..42.4,
            -83.4f64..-83.0,
            proptest::collection::vec((any::<bool>(), 0..n, 0u32..3), 0..3),
            proptest::collection::vec(0..n, 0..2),
            proptest::collection::vec(0u32..6, 0..3),
            proptest::option::of(0..n),
        )
            .prop_map(
                |(
                    (program, area),
                    band,
                    lat,
                    lon,
                    mut preferences,
                    conflicts,
                    excluded,
                    previous,
                )| {
                    preferences.dedup();
                    // Schools, and districts (any of their schools).
                    let preferences = (preferences.into_iter())
                        .map(|(district, s, d)| match district {
                            true => Preference::District(d),
                            false => Preference::School(s),
                        })
                        .collect();
                    Candidate {
                        program,
                        area,
                        band,
                        lat,
                        lon,
                        preferences,
                        allowed_districts: None,
                        conflicts,
                        // Kept to mentors that exist once they are drawn (below).
                        excluded_mentors: excluded,
                        previous,
                    }
                },
            );
        (
            Just(schools),
            proptest::collection::vec(mentor, 0..6),
            proptest::collection::vec(candidate, 0..6),
        )
            .prop_map(|(schools, mentors, mut candidates)| {
                for c in &mut candidates {
                    c.excluded_mentors.retain(|m| (*m as usize) < mentors.len());
                }
                Instance {
                    candidates,
                    mentors,
                    schools,
                }
            })
    })
}

fn rules() -> Rules {
    Rules {
        max_travel_km: 30.0,
        weights: Weights {
            moved: 25,
            ..Weights::default()
        },
        ..Rules::default()
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn matches_brute_force_and_keeps_every_rule(
        instance in instance(),
        quota in 0u32..4,
        districts in district_limits(),
    ) {
        let rules = Rules { high_needs_min: quota, districts, ..rules() };
        let solution = solve(&instance, &rules).unwrap();
        let (met, placed, cost) = brute_force(&instance, &rules);
        let met_here = solution.high_needs_placed.min(quota) as usize
            + (solution.districts.iter().zip(&rules.districts))
                .map(|(d, l)| d.placed.min(l.min) as usize)
                .sum::<usize>();
        prop_assert_eq!(met_here, met, "quota units met");
        prop_assert!(solution.gap() >= 0);
        if solution.gap() == 0 {
            prop_assert_eq!(solution.placements.len(), placed);
            prop_assert_eq!(solution.objective, cost);
        }
        // Only crossing quotas (a limited district with high-needs schools and others, and a
        // binding high-needs quota) may leave a gap.
        if rules.districts.is_empty() {
            prop_assert_eq!(solution.gap(), 0);
            prop_assert_eq!(solution.may_place_more, 0);
        }
        prop_assert_eq!(solution.high_needs_short, quota.saturating_sub(solution.high_needs_placed));
        for (d, l) in solution.districts.iter().zip(&rules.districts) {
            prop_assert!(d.placed <= l.max, "district maximum kept");
            prop_assert_eq!(d.short, l.min.saturating_sub(d.placed));
        }
        prop_assert_eq!(solution.placements.len() + solution.unplaced.len(), instance.candidates.len());
        let mut mentor_used = vec![0u32; instance.mentors.len()];
        let mut school_used = vec![0u32; instance.schools.len()];
        for p in &solution.placements {
            let c = &instance.candidates[p.candidate as usize];
            let m = &instance.mentors[p.mentor as usize];
            prop_assert!(m.eligible && m.areas.contains(c.area) && m.bands.contains(c.band));
            prop_assert!(p.km <= rules.max_travel_km);
            prop_assert!(!c.conflicts.contains(&p.school));
            mentor_used[p.mentor as usize] += 1;
            school_used[p.school as usize] += 1;
        }
        for (m, used) in mentor_used.iter().enumerate() {
            prop_assert!(*used <= instance.mentors[m].capacity);
        }
        for (s, used) in school_used.iter().enumerate() {
            prop_assert!(*used <= instance.schools[s].cap);
        }
        // Deterministic: the same input gives the same output.
        prop_assert_eq!(solve(&instance, &rules).unwrap(), solution.clone());
        // Starting from one option each, pricing must find the same optimum.
        let priced = prepare_with(&instance, &rules, 1).unwrap().solve();
        if solution.gap() == 0 && priced.gap() == 0 {
            prop_assert_eq!(priced.placements.len(), solution.placements.len());
            prop_assert_eq!(priced.objective, solution.objective);
        }
        if rules.districts.is_empty() {
            prop_assert_eq!(priced.gap(), 0);
        }
    }

    /// A limited district with high-needs schools and others, and a high-needs quota: the two
    /// quotas cross, the high-needs one is priced (Lagrangian), and the gap is proven.
    #[test]
    fn crossing_quotas_keep_every_rule_and_prove_their_gap(
        instance in instance(),
        quota in 1u32..4,
        (min, max) in (0u32..3, 0u32..4),
    ) {
        let mut instance = instance;
        if instance.schools.len() < 2 {
            instance.schools.push(instance.schools[0].clone());
        }
        for (s, school) in instance.schools.iter_mut().enumerate() {
            school.district = 0;
            school.high_needs = s == 0;
        }
        let limit = DistrictLimit { district: 0, min: min.min(max), max: min.max(max) };
        let mut rules = Rules { high_needs_min: quota, districts: vec![limit], ..rules() };
        // No pull towards high-needs schools but the quota's.
        rules.weights.high_needs_priority = 0;
        let solution = solve(&instance, &rules).unwrap();
        let (met, placed, cost) = brute_force(&instance, &rules);
        let met_here = solution.high_needs_placed.min(quota) + solution.districts[0].placed.min(limit.min);
        prop_assert_eq!(met_here as usize, met, "quota units met");
        prop_assert!(solution.districts[0].placed <= limit.max);
        prop_assert!(solution.gap() >= 0);
        if solution.gap() == 0 {
            prop_assert_eq!((solution.placements.len(), solution.objective), (placed, cost));
        } else {
            prop_assert!(solution.bound <= cost && cost <= solution.objective);
        }
    }

    /// A percentage of placements in high-needs schools is a minimum of that share of the most
    /// placements there can be.
    #[test]
    fn a_high_needs_percentage_is_a_minimum_of_the_most_placements(
        instance in instance(),
        percent in 0u32..=100,
    ) {
        let most = brute_force(&instance, &rules()).1 as u64;
        let needed = (most * u64::from(percent)).div_ceil(100) as u32;
        let as_minimum = Rules { high_needs_min: needed, ..rules() };
        let as_percent = Rules { high_needs_percent: Some(percent), ..rules() };
        let solution = solve(&instance, &as_percent).unwrap();
        let (met, placed, cost) = brute_force(&instance, &as_minimum);
        prop_assert_eq!(solution.high_needs_placed.min(needed) as usize, met);
        prop_assert_eq!((solution.placements.len(), solution.objective), (placed, cost));
        prop_assert_eq!(solution.gap(), 0);
        prop_assert_eq!(solution.high_needs_short, needed.saturating_sub(solution.high_needs_placed));
    }

    /// At most `cap` candidates of one program in a school: priced (Lagrangian), repaired, and
    /// the gap proven.
    #[test]
    fn program_school_caps_keep_every_rule_and_prove_their_gap(
        instance in instance(),
        cap in 0u32..3,
        quota in 0u32..3,
    ) {
        let rules = Rules { program_school_cap: Some(cap), high_needs_min: quota, ..rules() };
        let solution = solve(&instance, &rules).unwrap();
        let (met, placed, cost) = brute_force(&instance, &rules);
        let mut pairs = std::collections::HashMap::new();
        for p in &solution.placements {
            let program = instance.candidates[p.candidate as usize].program;
            *pairs.entry((program, p.school)).or_insert(0) += 1;
        }
        prop_assert!(pairs.values().all(|n| *n <= cap), "the cap holds: {:?}", pairs);
        prop_assert!(solution.gap() >= 0);
        let met_here = solution.high_needs_placed.min(quota) as usize;
        if met_here == met {
            // The count it claims is the most, or the most there may be, holds.
            let claimed = solution.placements.len() + solution.may_place_more as usize;
            prop_assert!(placed <= claimed, "{} placeable, {} claimed at most", placed, claimed);
            if solution.may_place_more == 0 {
                prop_assert_eq!(solution.placements.len(), placed);
            }
        }
        if solution.gap() == 0 {
            prop_assert_eq!(
                (met_here, solution.placements.len(), solution.objective),
                (met, placed, cost)
            );
        } else if (met_here, solution.placements.len()) == (met, placed) {
            prop_assert!(solution.bound <= cost && cost <= solution.objective);
        } else {
            // Fewer quota units or placements than the optimum: the gap says so.
            prop_assert!(solution.gap() > rules.weights.travel_per_km * 100);
        }
        prop_assert_eq!(solve(&instance, &rules).unwrap(), solution);
    }

    /// The cohort weight (a charge per program and school used): solved by local search and
    /// slope scaling over the network, the gap proven by Lagrangian relaxation.
    #[test]
    fn a_cohort_weight_is_paid_once_per_program_and_school_and_its_gap_proven(
        instance in instance(),
        weight in 1i64..400,
        quota in 0u32..3,
        cap in proptest::option::of(1u32..3),
    ) {
        let mut rules = Rules { high_needs_min: quota, program_school_cap: cap, ..rules() };
        rules.weights.cohort = weight;
        let solution = solve(&instance, &rules).unwrap();
        let (met, placed, cost) = brute_force(&instance, &rules);
        let mut pairs = std::collections::HashSet::new();
        let mut charged = 0;
        for p in &solution.placements {
            pairs.insert((instance.candidates[p.candidate as usize].program, p.school));
            charged += p.cost.cohort;
        }
        prop_assert_eq!(charged, weight * pairs.len() as i64, "one charge per pair");
        prop_assert_eq!(
            solution.objective,
            solution.placements.iter().map(|p| p.cost.total()).sum::<i64>()
        );
        prop_assert!(solution.gap() >= 0);
        prop_assert_eq!(solution.high_needs_placed.min(quota) as usize, met, "quota units met");
        if cap.is_none() {
            // Without the cap's repair, the network places the most there can be.
            prop_assert_eq!(solution.placements.len(), placed);
            prop_assert_eq!(solution.may_place_more, 0);
        }
        prop_assert!(placed <= solution.placements.len() + solution.may_place_more as usize);
        if solution.may_place_more == 0 {
            prop_assert_eq!(solution.placements.len(), placed, "a count said to be the most is");
        }
        if solution.placements.len() == placed {
            prop_assert!(solution.bound <= cost && cost <= solution.objective,
                "bound {} ≤ optimum {} ≤ objective {}", solution.bound, cost, solution.objective);
        }
        prop_assert_eq!(solve(&instance, &rules).unwrap(), solution);
    }

    #[test]
    fn locks_are_always_honoured(instance in instance(), pick in any::<prop::sample::Index>()) {
        prop_assume!(!instance.candidates.is_empty() && !instance.mentors.is_empty());
        let c = pick.index(instance.candidates.len()) as u32;
        let m = pick.index(instance.mentors.len()) as u32;
        let rules = Rules { locks: vec![(c, m)], ..rules() };
        let solution = solve(&instance, &rules).unwrap();
        let locked = solution.placements.iter().find(|p| p.candidate == c).unwrap();
        prop_assert!(locked.locked && locked.mentor == m);
    }
}

fn school(lat: f64, lon: f64, cap: u32, high_needs: bool) -> School {
    School {
        district: 0,
        lat,
        lon,
        cap,
        high_needs,
    }
}

fn mentor(school: u32, quality: u8) -> Mentor {
    Mentor {
        school,
        areas: Areas::of(&[1]),
        bands: Bands::of(&[0]),
        capacity: 1,
        eligible: true,
        quality,
    }
}

fn candidate(lat: f64, lon: f64) -> Candidate {
    Candidate {
        area: 1,
        lat,
        lon,
        ..Candidate::default()
    }
}

#[test]
fn the_candidate_with_no_other_option_gets_the_shared_mentor() {
    // A can reach both schools; B only the near one. Processing A first must not strand B.
    let instance = Instance {
        schools: vec![school(42.0, -83.0, 1, true), school(42.2, -83.0, 1, true)],
        mentors: vec![mentor(0, 100), mentor(1, 100)],
        candidates: vec![candidate(42.1, -83.0), candidate(41.85, -83.0)],
    };
    let solution = solve(
        &instance,
        &Rules {
            max_travel_km: 20.0,
            ..Rules::default()
        },
    )
    .unwrap();
    assert_eq!(solution.placements.len(), 2);
    assert_eq!(solution.placements[0].school, 1);
    assert_eq!(solution.placements[1].school, 0);
}

#[test]
fn unplaced_candidates_get_reasons() {
    let instance = Instance {
        schools: vec![school(42.0, -83.0, 1, false), school(45.0, -83.0, 1, false)],
        mentors: vec![
            mentor(0, 50),
            Mentor {
                eligible: false,
                ..mentor(1, 50)
            },
        ],
        candidates: vec![
            candidate(42.0, -83.0),
            candidate(42.01, -83.0),
            candidate(45.0, -83.0),
            candidate(47.0, -83.0),
        ],
    };
    let solution = solve(&instance, &Rules::default()).unwrap();
    assert_eq!(solution.placements.len(), 1);
    let reasons: Vec<String> = solution
        .unplaced
        .iter()
        .map(|(_, r)| r.describe("mathematics", "secondary", 40.0))
        .collect();
    assert!(
        reasons[0].starts_with(
            "the only compatible mentor within 40 km went to candidates who had no other option"
        ),
        "{reasons:?}"
    );
    assert!(
        reasons[1].starts_with(
            "the only secondary mathematics mentor within 40 km is not eligible; to place them, help that mentor"
        ),
        "{reasons:?}"
    );
    assert_eq!(
        reasons[2],
        "no eligible secondary mathematics mentor within 40 km (the nearest is 556 km away); \
         to place them, raise the travel limit to 556 km, or find an eligible secondary \
         mathematics mentor nearer"
    );
    assert!(
        reasons[1].ends_with("each mentor's page says what is missing)"),
        "{reasons:?}"
    );
}

#[test]
fn a_malformed_instance_is_refused_not_a_panic() {
    let instance = Instance {
        schools: vec![],
        mentors: vec![mentor(3, 50)],
        candidates: vec![],
    };
    assert_eq!(
        solve(&instance, &Rules::default()).unwrap_err().0,
        "mentor 0: school 3 does not exist"
    );
    let instance = Instance {
        candidates: vec![candidate(42.0, -83.0)],
        ..Instance::default()
    };
    let rules = Rules {
        locks: vec![(0, 9)],
        ..Rules::default()
    };
    assert!(solve(&instance, &rules).is_err());
    let mut rules = Rules::default();
    rules.weights.travel_per_km = -1;
    assert_eq!(
        solve(&instance, &rules).unwrap_err().0,
        "weights must be whole numbers from 0 to 10000"
    );
}

#[test]
fn the_high_needs_quota_comes_first_and_its_shortfall_is_reported() {
    // One candidate; a near school that is not high-needs and a farther one that is.
    let instance = Instance {
        schools: vec![school(42.0, -83.0, 1, false), school(42.15, -83.0, 1, true)],
        mentors: vec![mentor(0, 100), mentor(1, 100)],
        candidates: vec![candidate(42.0, -83.0)],
    };
    let free = solve(&instance, &Rules::default()).unwrap();
    assert_eq!(free.placements[0].school, 0, "cheapest without a quota");
    let quota = Rules {
        high_needs_min: 1,
        ..Rules::default()
    };
    let met = solve(&instance, &quota).unwrap();
    assert_eq!(
        met.placements[0].school, 1,
        "the quota sends them to the high-needs school"
    );
    assert_eq!(
        (met.high_needs_placed, met.high_needs_short, met.gap()),
        (1, 0, 0)
    );
    let too_many = Rules {
        high_needs_min: 3,
        ..Rules::default()
    };
    let short = solve(&instance, &too_many).unwrap();
    assert_eq!(short.high_needs_short, 2);
    let share = |percent| Rules {
        high_needs_percent: Some(percent),
        ..Rules::default()
    };
    assert_eq!(solve(&instance, &share(0)).unwrap().placements[0].school, 0);
    assert_eq!(solve(&instance, &share(1)).unwrap().placements[0].school, 1);
    assert_eq!(
        solve(&instance, &share(101)).unwrap_err().0,
        "the high-needs percentage must be from 0 to 100"
    );
}

fn preferences() -> impl Strategy<Value = deferred::Preferences> {
    (1usize..7, 1usize..5).prop_flat_map(|(candidates, receivers)| {
        let list = |n: usize, of: usize| {
            proptest::collection::vec(
                proptest::sample::subsequence((0..of as u32).collect::<Vec<_>>(), 0..=of)
                    .prop_shuffle(),
                n,
            )
        };
        (
            list(candidates, receivers),
            list(receivers, candidates),
            proptest::collection::vec(0u32..3, receivers),
        )
            .prop_map(|(candidates, receivers, capacity)| deferred::Preferences {
                candidates,
                receivers,
                capacity,
            })
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    /// Deferred acceptance leaves no blocking pair, respects capacities and acceptability.
    #[test]
    fn deferred_acceptance_is_stable(prefs in preferences()) {
        let matching = deferred::deferred_acceptance(&prefs);
        prop_assert!(deferred::blocking_pairs(&prefs, &matching).is_empty());
        let mut load = vec![0u32; prefs.receivers.len()];
        for (c, r) in matching.iter().enumerate() {
            if let Some(r) = r {
                load[*r as usize] += 1;
                prop_assert!(prefs.candidates[c].contains(r));
                prop_assert!(prefs.receivers[*r as usize].contains(&(c as u32)));
            }
        }
        for (r, n) in load.iter().enumerate() {
            prop_assert!(*n <= prefs.capacity[r]);
        }
    }
}

#[test]
fn blocking_pairs_are_found() {
    // Both candidates want receiver 0, which prefers candidate 1: giving it candidate 0 blocks.
    let prefs = deferred::Preferences {
        candidates: vec![vec![0, 1], vec![0, 1]],
        receivers: vec![vec![1, 0], vec![0, 1]],
        capacity: vec![1, 1],
    };
    assert_eq!(
        deferred::blocking_pairs(&prefs, &[Some(0), Some(1)]),
        vec![(1, 0)]
    );
    assert_eq!(
        deferred::deferred_acceptance(&prefs),
        vec![Some(1), Some(0)]
    );
}

#[test]
fn district_limits_cap_a_district_and_fill_another() {
    // Three candidates beside district 0's school; district 1's school is 20 km away.
    let mut far = school(42.18, -83.0, 3, false);
    far.district = 1;
    let instance = Instance {
        schools: vec![school(42.0, -83.0, 3, false), far],
        mentors: (0..6).map(|i| mentor(i / 3, 100)).collect(),
        candidates: (0..3).map(|_| candidate(42.0, -83.0)).collect(),
    };
    let in_district = |solution: &Solution, d: u32| {
        (solution.placements.iter())
            .filter(|p| instance.schools[p.school as usize].district == d)
            .count()
    };
    let free = solve(&instance, &Rules::default()).unwrap();
    assert_eq!(in_district(&free, 0), 3, "all near home without limits");
    let limit = |district, min, max| Rules {
        districts: vec![DistrictLimit { district, min, max }],
        ..Rules::default()
    };
    let capped = solve(&instance, &limit(0, 0, 1)).unwrap();
    assert_eq!((in_district(&capped, 0), in_district(&capped, 1)), (1, 2));
    assert_eq!(capped.gap(), 0);
    let filled = solve(&instance, &limit(1, 2, 3)).unwrap();
    assert_eq!((in_district(&filled, 0), in_district(&filled, 1)), (1, 2));
    assert_eq!(filled.districts[0].short, 0);
    let short = solve(&instance, &limit(1, 5, 5)).unwrap();
    assert_eq!(in_district(&short, 1), 3);
    assert_eq!(
        short.districts[0],
        DistrictPlaced {
            district: 1,
            placed: 3,
            short: 2
        }
    );
    assert_eq!(
        solve(&instance, &limit(1, 3, 2)).unwrap_err().0,
        "district 1: the minimum 3 is above the maximum 2"
    );
}

#[test]
fn a_program_cap_spreads_a_cohort_and_locks_count_towards_it() {
    // Four candidates beside one school, two of each program; another school 20 km away.
    let instance = Instance {
        schools: vec![
            school(42.0, -83.0, 4, false),
            school(42.18, -83.0, 4, false),
        ],
        mentors: (0..8).map(|i| mentor(i / 4, 100)).collect(),
        candidates: (0..4)
            .map(|i| Candidate {
                program: i % 2,
                ..candidate(42.0, -83.0)
            })
            .collect(),
    };
    let near = |solution: &Solution| {
        let mut per_program = [0, 0];
        for p in solution.placements.iter().filter(|p| p.school == 0) {
            per_program[instance.candidates[p.candidate as usize].program as usize] += 1;
        }
        per_program
    };
    let capped = |cap, locks| Rules {
        program_school_cap: Some(cap),
        locks,
        ..Rules::default()
    };
    assert_eq!(near(&solve(&instance, &Rules::default()).unwrap()), [2, 2]);
    let one_each = solve(&instance, &capped(1, vec![])).unwrap();
    assert_eq!(near(&one_each), [1, 1]);
    assert_eq!(one_each.placements.len(), 4);
    assert_eq!(one_each.gap(), 0, "proven optimal");
    // A lock of candidate 0 (program 0) with a mentor of the near school fills its cap there.
    let locked = solve(&instance, &capped(1, vec![(0, 0)])).unwrap();
    assert_eq!(near(&locked), [1, 1]);
    assert!(
        locked
            .placements
            .iter()
            .any(|p| p.candidate == 0 && p.locked)
    );
    assert!(
        locked
            .placements
            .iter()
            .any(|p| p.candidate == 2 && p.school == 1)
    );
    // No room at all for a program: its candidates stay unplaced, nothing breaks.
    let none = solve(&instance, &capped(0, vec![])).unwrap();
    assert!(none.placements.is_empty());
    assert_eq!(none.unplaced.len(), 4);
    assert_eq!(none.unplaced[0].1, Unplaced::CohortFull { compatible: 8 });
    assert!(
        (none.unplaced[0].1.describe("elementary", "K-5", 40.0))
            .contains("as many candidates of this program as the cohort size allows")
    );
}

#[test]
fn a_cohort_weight_keeps_a_program_together_and_a_locked_school_is_free() {
    // Two schools 10 km apart, two mentors each; two candidates of one program, one beside
    // each school. Without the weight each goes to the school beside them.
    let instance = Instance {
        schools: vec![
            school(42.0, -83.0, 2, false),
            school(42.09, -83.0, 2, false),
        ],
        mentors: (0..4).map(|i| mentor(i / 2, 100)).collect(),
        candidates: vec![candidate(42.0, -83.0), candidate(42.09, -83.0)],
    };
    let weighted = |cohort, locks| Rules {
        weights: Weights {
            cohort,
            high_needs_priority: 0,
            ..Weights::default()
        },
        locks,
        ..Rules::default()
    };
    let schools = |solution: &Solution| -> Vec<u32> {
        solution.placements.iter().map(|p| p.school).collect()
    };
    let apart = solve(&instance, &weighted(0, vec![])).unwrap();
    assert_eq!(schools(&apart), [0, 1]);
    // 10 km of travel costs 100: a weight of 150 gathers them (one pays 100 more, one charge
    // of 150 is saved).
    let together = solve(&instance, &weighted(150, vec![])).unwrap();
    let at = schools(&together);
    assert!(at == [0, 0] || at == [1, 1], "{at:?}");
    assert_eq!(together.objective, 100 + 150);
    assert_eq!(together.placements[0].cost.cohort, 150);
    assert_eq!(together.placements[1].cost.cohort, 0);
    assert!(together.bound <= 250);
    // A weight of 50 is not worth 10 km of travel: they stay apart.
    let light = solve(&instance, &weighted(50, vec![])).unwrap();
    assert_eq!(schools(&light), [0, 1]);
    assert_eq!(light.objective, 100);
    // Candidate 1 locked at school 1: the program already uses it, so candidate 0 may join
    // it for its travel alone, or open school 0 for the weight.
    let locked = solve(&instance, &weighted(150, vec![(1, 2)])).unwrap();
    assert_eq!(schools(&locked), [1, 1]);
    assert_eq!(locked.objective, 100);
    assert_eq!(locked.gap(), 0);
}

#[test]
fn a_high_needs_percentage_counts_the_most_placements_the_cohort_size_allows() {
    // Three schools of two mentors, two of them high-needs; four candidates of one program.
    // With a cohort size of 1, three can be placed (one a school), two in high-needs schools.
    let instance = Instance {
        schools: vec![
            school(42.0, -83.0, 2, true),
            school(42.01, -83.0, 2, true),
            school(42.02, -83.0, 2, false),
        ],
        mentors: (0..6).map(|i| mentor(i / 2, 100)).collect(),
        candidates: (0..4).map(|_| candidate(42.0, -83.0)).collect(),
    };
    let rules = |percent| Rules {
        program_school_cap: Some(1),
        high_needs_percent: Some(percent),
        ..Rules::default()
    };
    // 66 % of the three placements the cap allows is two — met; counted from the four placed
    // without the cap, it would ask for three and read "short by 1".
    let met = solve(&instance, &rules(66)).unwrap();
    assert_eq!(met.placements.len(), 3);
    assert_eq!((met.high_needs_placed, met.high_needs_short), (2, 0));
    assert_eq!(met.gap(), 0, "proven optimal");
    // 100 % of three cannot be met: the shortfall is said, the placements unchanged.
    let short = solve(&instance, &rules(100)).unwrap();
    assert_eq!(short.placements.len(), 3);
    assert_eq!((short.high_needs_placed, short.high_needs_short), (2, 1));
}

#[test]
fn a_mentor_who_declined_is_excluded_but_not_their_school() {
    // Two mentors in one school, the better one declined the candidate.
    let instance = Instance {
        schools: vec![school(42.0, -83.0, 2, false)],
        mentors: vec![mentor(0, 100), mentor(0, 10)],
        candidates: vec![Candidate {
            excluded_mentors: vec![0],
            ..candidate(42.0, -83.0)
        }],
    };
    let solution = solve(&instance, &Rules::default()).unwrap();
    assert_eq!(
        (solution.placements[0].mentor, solution.placements[0].school),
        (1, 0)
    );
    let alone = Instance {
        mentors: vec![mentor(0, 100)],
        ..instance.clone()
    };
    assert_eq!(
        solve(&alone, &Rules::default()).unwrap().placements.len(),
        0
    );
    let missing = Instance {
        candidates: vec![Candidate {
            excluded_mentors: vec![7],
            ..candidate(42.0, -83.0)
        }],
        ..instance
    };
    assert_eq!(
        solve(&missing, &Rules::default()).unwrap_err().0,
        "candidate 0: mentor 7 does not exist"
    );
}
