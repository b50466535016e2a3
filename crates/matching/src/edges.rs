//! Which candidate may go to which mentor (the hard rules) and at what cost (the weights).

use crate::geo::{Grid, distance_km};
use crate::model::{Instance, Rules};

/// The cost of one placement, term by term.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Cost {
    pub travel: i64,
    pub preference: i64,
    pub mentor_quality: i64,
    pub high_needs: i64,
}

impl Cost {
    pub fn total(&self) -> i64 {
        self.travel + self.preference + self.mentor_quality + self.high_needs
    }
}

/// Every allowed candidate → mentor pair, grouped by candidate (compressed rows).
#[derive(Debug, Clone, Default)]
pub struct Edges {
    /// `start[c]..start[c + 1]` are candidate `c`'s edges.
    pub start: Vec<usize>,
    pub mentor: Vec<u32>,
    pub cost: Vec<i64>,
}

impl Edges {
    pub fn of(&self, candidate: usize) -> std::ops::Range<usize> {
        self.start[candidate]..self.start[candidate + 1]
    }

    #[allow(clippy::len_without_is_empty)]
    pub fn len(&self) -> usize {
        self.mentor.len()
    }
}

/// The cost of placing `candidate` with `mentor`, `km` from home.
pub fn cost(instance: &Instance, rules: &Rules, candidate: usize, mentor: usize, km: f64) -> Cost {
    let w = rules.weights;
    let c = &instance.candidates[candidate];
    let m = &instance.mentors[mentor];
    let school = m.school;
    let preference = if c.preferences.is_empty() {
        0
    } else {
        let rank = c
            .preferences
            .iter()
            .position(|s| *s == school)
            .unwrap_or(c.preferences.len());
        rank as i64 * w.preference_rank
    };
    Cost {
        travel: km.round() as i64 * w.travel_per_km,
        preference,
        mentor_quality: (100 - i64::from(m.quality.min(100))) / 10 * w.mentor_quality,
        high_needs: if instance.schools[school as usize].high_needs {
            0
        } else {
            w.high_needs_priority
        },
    }
}

/// Mentors of each school (compressed rows), for walking from nearby schools to their mentors.
pub fn mentors_by_school(instance: &Instance) -> (Vec<usize>, Vec<u32>) {
    let mut count = vec![0usize; instance.schools.len() + 1];
    for m in &instance.mentors {
        count[m.school as usize + 1] += 1;
    }
    for i in 1..count.len() {
        count[i] += count[i - 1];
    }
    let mut next = count.clone();
    let mut order = vec![0u32; instance.mentors.len()];
    for (index, m) in instance.mentors.iter().enumerate() {
        order[next[m.school as usize]] = index as u32;
        next[m.school as usize] += 1;
    }
    (count, order)
}

/// Builds the edges of every candidate except those in `skip` (locked ones).
pub fn build(instance: &Instance, rules: &Rules, skip: &[bool]) -> Edges {
    let grid = Grid::new(
        instance
            .schools
            .iter()
            .enumerate()
            .map(|(i, s)| (i as u32, s.lat, s.lon)),
        rules.max_travel_km,
    );
    let (school_start, school_mentors) = mentors_by_school(instance);
    let mut edges = Edges {
        start: Vec::with_capacity(instance.candidates.len() + 1),
        ..Edges::default()
    };
    edges.start.push(0);
    for (ci, c) in instance.candidates.iter().enumerate() {
        if !skip[ci] {
            for school in grid.near(c.lat, c.lon, rules.max_travel_km) {
                let s = &instance.schools[school as usize];
                if c.conflicts.contains(&school)
                    || c.allowed_districts
                        .as_ref()
                        .is_some_and(|d| !d.contains(&s.district))
                {
                    continue;
                }
                let km = distance_km(c.lat, c.lon, s.lat, s.lon);
                if km > rules.max_travel_km {
                    continue;
                }
                for &mi in &school_mentors
                    [school_start[school as usize]..school_start[school as usize + 1]]
                {
                    let m = &instance.mentors[mi as usize];
                    if m.eligible
                        && m.capacity > 0
                        && m.areas.contains(c.area)
                        && m.bands.contains(c.band)
                    {
                        edges.mentor.push(mi);
                        edges
                            .cost
                            .push(cost(instance, rules, ci, mi as usize, km).total());
                    }
                }
            }
        }
        edges.start.push(edges.mentor.len());
    }
    edges
}
