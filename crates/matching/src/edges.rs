//! Which candidate may go where (the hard rules) and at what cost (the weights).
//!
//! A placement's cost splits into a part that depends on the candidate and the school (travel,
//! preference, high-needs) and a part that depends on the mentor alone (quality). So mentors are
//! grouped by (school, area, band): a candidate's options are the groups of nearby schools that
//! fit their area and band — one option per school, not one per mentor — and each group leads
//! to its mentors at their quality cost. The optimum is the same; the network is far smaller.

use crate::geo::{Grid, Place};
use crate::model::{Instance, Rules};

/// The cost of one placement, term by term.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Cost {
    pub travel: i64,
    pub preference: i64,
    pub mentor_quality: i64,
    pub high_needs: i64,
    pub moved: i64,
    /// The cohort weight, on the first placement (by candidate) of a program in a school.
    pub cohort: i64,
}

impl Cost {
    pub fn total(&self) -> i64 {
        self.travel
            + self.preference
            + self.mentor_quality
            + self.high_needs
            + self.moved
            + self.cohort
    }
}

/// The candidate-and-school part of a placement's cost.
pub fn school_cost(
    instance: &Instance,
    rules: &Rules,
    candidate: usize,
    school: u32,
    km: f64,
) -> Cost {
    let w = rules.weights;
    let c = &instance.candidates[candidate];
    let preference = if c.preferences.is_empty() {
        0
    } else {
        let rank = c.rank_of(school, &instance.schools[school as usize]);
        rank as i64 * w.preference_rank
    };
    Cost {
        travel: km.round() as i64 * w.travel_per_km,
        preference,
        mentor_quality: 0,
        high_needs: if instance.schools[school as usize].high_needs {
            0
        } else {
            w.high_needs_priority
        },
        moved: match c.previous {
            Some(previous) if previous != school => w.moved,
            _ => 0,
        },
        cohort: 0,
    }
}

/// The mentor part of a placement's cost.
pub fn mentor_cost(instance: &Instance, rules: &Rules, mentor: usize) -> i64 {
    (100 - i64::from(instance.mentors[mentor].quality.min(100))) / 10 * rules.weights.mentor_quality
}

/// The full cost of placing `candidate` with `mentor`, `km` from home.
pub fn cost(instance: &Instance, rules: &Rules, candidate: usize, mentor: usize, km: f64) -> Cost {
    let school = instance.mentors[mentor].school;
    Cost {
        mentor_quality: mentor_cost(instance, rules, mentor),
        ..school_cost(instance, rules, candidate, school, km)
    }
}

/// Mentors who can still take a candidate, grouped by (school, area, band).
pub struct Groups {
    /// Per (area, band) present: its row in `table`, or `NONE`.
    row: Vec<u32>,
    /// Row by row, each school's group of that area and band, or `NONE`: an option's group in
    /// one look-up.
    table: Vec<u32>,
    schools: usize,
    pub school: Vec<u32>,
    /// Every mentor of the group, cheapest first (ties by index).
    pub members: Rows,
    /// The cheapest members whose capacity covers what the school can still take: the only
    /// ones an optimum needs. (Were a placement with another member, some kept member would be
    /// free, as the school cannot take more; moving the placement there costs no more.)
    pub kept: Rows,
    /// The cheapest mentor cost in each group.
    pub cheapest: Vec<i64>,
    /// The largest of those.
    pub dearest_cheapest: i64,
    /// (candidate, group) → the candidate's own copy of the group, without the mentors the
    /// candidate may not have (`NONE` when none is left).
    private: std::collections::HashMap<(u32, u32), u32>,
}

/// Lists of mentors, one per group, in one vector: a group's list is a slice of it. (A vector
/// per group was, on Michigan, 100,000 allocations to make and free for every solve.)
#[derive(Debug, Default)]
pub struct Rows {
    /// Where each row ends in `items`.
    ends: Vec<u32>,
    items: Vec<u32>,
}

impl Rows {
    pub fn push(&mut self, row: impl IntoIterator<Item = u32>) {
        self.items.extend(row);
        self.ends.push(self.items.len() as u32);
    }

    /// How many items all rows hold.
    pub fn total(&self) -> usize {
        self.items.len()
    }

    pub fn iter(&self) -> impl Iterator<Item = &[u32]> {
        (0..self.ends.len()).map(|i| &self[i])
    }
}

impl std::ops::Index<usize> for Rows {
    type Output = [u32];

    fn index(&self, row: usize) -> &[u32] {
        let start = row.checked_sub(1).map_or(0, |r| self.ends[r]);
        &self.items[start as usize..self.ends[row] as usize]
    }
}

/// The cheapest of `members` (sorted cheapest first) whose capacity covers the school's room.
fn keep(members: &[u32], mut room: i64, mentor_left: &[i64]) -> Vec<u32> {
    members
        .iter()
        .copied()
        .take_while(|&m| {
            let take = room > 0;
            room -= mentor_left[m as usize];
            take
        })
        .collect()
}

impl Groups {
    /// Groups the eligible mentors with capacity left, in schools with room left.
    pub fn new(
        instance: &Instance,
        rules: &Rules,
        mentor_left: &[i64],
        school_left: &[i64],
    ) -> Groups {
        let mut by_school: Vec<Vec<(u8, u8, u32)>> = vec![Vec::new(); instance.schools.len()];
        let mut members: Vec<Vec<u32>> = Vec::new();
        let mut groups = Groups {
            row: vec![NONE; 32 * 8],
            table: vec![],
            schools: instance.schools.len(),
            school: vec![],
            members: Rows::default(),
            kept: Rows::default(),
            cheapest: vec![],
            dearest_cheapest: 0,
            private: std::collections::HashMap::new(),
        };
        for (m, mentor) in instance.mentors.iter().enumerate() {
            if !mentor.eligible || mentor_left[m] <= 0 {
                continue;
            }
            for area in (0..32u8).filter(|a| mentor.areas.contains(*a)) {
                for band in (0..8u8).filter(|b| mentor.bands.contains(*b)) {
                    let list = &mut by_school[mentor.school as usize];
                    let group = match list.iter().find(|(a, b, _)| *a == area && *b == band) {
                        Some(&(_, _, g)) => g,
                        None => {
                            let g = groups.school.len() as u32;
                            list.push((area, band, g));
                            groups.school.push(mentor.school);
                            members.push(Vec::new());
                            groups.cheapest.push(i64::MAX);
                            g
                        }
                    };
                    members[group as usize].push(m as u32);
                    let cost = mentor_cost(instance, rules, m);
                    groups.cheapest[group as usize] = groups.cheapest[group as usize].min(cost);
                }
            }
        }
        for (g, mut members) in members.into_iter().enumerate() {
            members.sort_by_key(|&m| (mentor_cost(instance, rules, m as usize), m));
            let room = school_left[groups.school[g] as usize];
            groups.kept.push(keep(&members, room, mentor_left));
            groups.members.push(members);
        }
        groups.dearest_cheapest = groups.cheapest.iter().copied().max().unwrap_or(0);
        for (s, list) in by_school.iter().enumerate() {
            for &(area, band, g) in list {
                let key = usize::from(area) * 8 + usize::from(band);
                if groups.row[key] == NONE {
                    groups.row[key] = (groups.table.len() / groups.schools) as u32;
                    groups
                        .table
                        .extend(std::iter::repeat_n(NONE, groups.schools));
                }
                groups.table[groups.row[key] as usize * groups.schools + s] = g;
            }
        }
        groups
    }

    /// Gives each candidate who may not have some mentors a copy of each group they are in,
    /// without them. (A copy shares its mentors' capacity and its school's room with the
    /// group: the network gives a mentor kept by two groups a node of its own.)
    pub fn exclude(
        &mut self,
        instance: &Instance,
        rules: &Rules,
        mentor_left: &[i64],
        school_left: &[i64],
    ) {
        for (c, cand) in instance.candidates.iter().enumerate() {
            for &m in &cand.excluded_mentors {
                let school = instance.mentors[m as usize].school;
                let Some(g) = self.at(school, cand.area, cand.band) else {
                    continue;
                };
                if self.private.contains_key(&(c as u32, g)) {
                    continue;
                }
                let members: Vec<u32> = (self.members[g as usize].iter())
                    .copied()
                    .filter(|x| !cand.excluded_mentors.contains(x))
                    .collect();
                let copy = if members.is_empty() {
                    NONE
                } else {
                    let copy = self.school.len() as u32;
                    let room = school_left[school as usize];
                    self.kept.push(keep(&members, room, mentor_left));
                    self.school.push(school);
                    let cheapest = mentor_cost(instance, rules, members[0] as usize);
                    self.dearest_cheapest = self.dearest_cheapest.max(cheapest);
                    self.cheapest.push(cheapest);
                    self.members.push(members);
                    copy
                };
                self.private.insert((c as u32, g), copy);
            }
        }
    }

    /// The group a candidate reaches at (school, area, band): its own copy when it has one.
    fn for_candidate(&self, candidate: usize, school: u32, area: u8, band: u8) -> Option<u32> {
        let g = self.at(school, area, band)?;
        if self.private.is_empty() {
            return Some(g); // (the usual case, on a path walked for every option)
        }
        match self.private.get(&(candidate as u32, g)) {
            Some(&NONE) => None,
            Some(&copy) => Some(copy),
            None => Some(g),
        }
    }

    fn at(&self, school: u32, area: u8, band: u8) -> Option<u32> {
        if area >= 32 || band >= 8 {
            return None;
        }
        let row = self.row[usize::from(area) * 8 + usize::from(band)];
        if row == NONE {
            return None;
        }
        let g = self.table[row as usize * self.schools + school as usize];
        (g != NONE).then_some(g)
    }

    #[allow(clippy::len_without_is_empty)]
    pub fn len(&self) -> usize {
        self.school.len()
    }
}

const NONE: u32 = u32::MAX;

/// A candidate with more than this many times the options it starts from is in a dense metro.
const DENSE: usize = 4;

/// A candidate's options: groups of nearby schools, found through a grid index of schools.
pub struct Options<'a> {
    instance: &'a Instance,
    rules: &'a Rules,
    grid: Grid,
    schools: Vec<Place>,
    candidates: Vec<Place>,
}

/// One option of a candidate: a group and the candidate-and-school cost of reaching it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Choice {
    pub group: u32,
    pub cost: i64,
}

impl<'a> Options<'a> {
    pub fn new(instance: &'a Instance, rules: &'a Rules) -> Options<'a> {
        let grid = Grid::new(
            instance
                .schools
                .iter()
                .enumerate()
                .map(|(i, s)| (i as u32, s.lat, s.lon)),
            rules.max_travel_km,
        );
        Options {
            instance,
            rules,
            grid,
            schools: instance
                .schools
                .iter()
                .map(|s| Place::new(s.lat, s.lon))
                .collect(),
            candidates: instance
                .candidates
                .iter()
                .map(|c| Place::new(c.lat, c.lon))
                .collect(),
        }
    }

    /// Calls `each` with every option of `candidate`, in school order.
    pub fn each(&self, groups: &Groups, candidate: usize, each: impl FnMut(Choice)) {
        self.each_within(groups, candidate, self.rules.max_travel_km, each);
    }

    /// Calls `each` with every option of `candidate` whose school is at most `km` away (and
    /// within the travel limit), in school order.
    pub fn each_within(
        &self,
        groups: &Groups,
        candidate: usize,
        km: f64,
        mut each: impl FnMut(Choice),
    ) {
        let c = &self.instance.candidates[candidate];
        let limit = km.min(self.rules.max_travel_km);
        for school in self.grid.near(c.lat, c.lon, limit) {
            let Some(group) = groups.for_candidate(candidate, school, c.area, c.band) else {
                continue;
            };
            let s = &self.instance.schools[school as usize];
            if c.conflicts.contains(&school)
                || c.allowed_districts
                    .as_ref()
                    .is_some_and(|d| !d.contains(&s.district))
            {
                continue;
            }
            let (here, there) = (&self.candidates[candidate], &self.schools[school as usize]);
            // Most schools of the cells searched are out of reach: a chord test rules them out
            // before the exact distance is worked out.
            if !here.may_be_within(there, limit) {
                continue;
            }
            let km = here.km(there);
            if km <= limit {
                each(Choice {
                    group,
                    cost: school_cost(self.instance, self.rules, candidate, school, km).total(),
                });
            }
        }
    }

    /// The most promising options of `candidate` (cheapest including the group's best mentor),
    /// and a cost below which every option is among them: its `k` cheapest; or, in a dense
    /// metro (more than `DENSE` × `k` options), its cheapest two thirds of `k` and a third spread
    /// evenly over the rest, cheapest to dearest. A crowded metro's optimum sends some
    /// candidates far down their lists (California: 2,265 of 19,796 beyond their 256th
    /// cheapest); with a few far options from the start, the first network places nearly as
    /// many as can be placed and prices the metro nearly right, so pricing adds fewer options
    /// to fewer candidates (bench/README).
    pub fn cheapest(&self, groups: &Groups, candidate: usize, k: usize) -> (Vec<Choice>, i64) {
        let mut all = Vec::new();
        self.each(groups, candidate, |o| {
            if !groups.kept[o.group as usize].is_empty() {
                all.push(o)
            }
        });
        let key = |o: &Choice| (o.cost + groups.cheapest[o.group as usize], o.group);
        if all.len() / DENSE > k {
            // Sorted whole: the spread needs every option's place.
            all.sort_unstable_by_key(key);
            let near = k - k / 3;
            let (n, far) = (all.len(), k / 3);
            let complete_below = key(&all[near]).0 - groups.dearest_cheapest;
            // (Kept for the whole solve: no room beyond the options.)
            let mut spread = Vec::with_capacity(near + far);
            spread.extend_from_slice(&all[..near]);
            spread.extend((0..far).map(|i| all[near + i * (n - near) / far]));
            return (spread, complete_below);
        }
        // Keys are unique (one option per group), so selecting the k first and sorting only
        // those gives what sorting everything would.
        let complete_below = if all.len() > k {
            all.select_nth_unstable_by_key(k, key);
            // An option left out costs, with its best mentor, at least the k-th's total.
            key(&all[k]).0 - groups.dearest_cheapest
        } else {
            i64::MAX
        };
        all.truncate(k);
        all.sort_unstable_by_key(key);
        // (Kept for the whole solve: without the room of every option scanned, which on
        // California was 130 MB.)
        all.shrink_to_fit();
        (all, complete_below)
    }
}
