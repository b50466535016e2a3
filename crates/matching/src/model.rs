//! The instance the engine solves. Indices, not ids: candidate `i` is `candidates[i]`, and a
//! mentor's `school` is an index into `schools`. Callers keep their own ids beside.

/// A set of licensure areas (bit `k` is area `k`, up to 32 areas).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Areas(pub u32);

impl Areas {
    pub fn contains(self, area: u8) -> bool {
        area < 32 && self.0 & (1 << area) != 0
    }

    pub fn of(areas: &[u8]) -> Areas {
        Areas(
            areas
                .iter()
                .filter(|a| **a < 32)
                .fold(0, |set, a| set | (1 << a)),
        )
    }
}

/// A set of grade bands (bit `k` is band `k`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Bands(pub u8);

impl Bands {
    pub fn contains(self, band: u8) -> bool {
        band < 8 && self.0 & (1 << band) != 0
    }

    pub fn of(bands: &[u8]) -> Bands {
        Bands(
            bands
                .iter()
                .filter(|b| **b < 8)
                .fold(0, |set, b| set | (1 << b)),
        )
    }
}

/// (`Default`: program 0, area 0, band 0, at 0°, 0°, with no preferences or exclusions.)
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Candidate {
    pub program: u32,
    /// The area the candidate is preparing to teach.
    pub area: u8,
    /// The grade band the candidate is preparing for.
    pub band: u8,
    pub lat: f64,
    pub lon: f64,
    /// Schools or districts in order of preference (first is most wanted): a school's rank is
    /// that of the first entry naming it or its district.
    pub preferences: Vec<Preference>,
    /// When set, only schools of these districts.
    pub allowed_districts: Option<Vec<u32>>,
    /// Schools the candidate must not be placed in (a former school, a relative works there).
    pub conflicts: Vec<u32>,
    /// Mentors the candidate must not be placed with (they declined the candidate); their
    /// schools stay open with other mentors.
    pub excluded_mentors: Vec<u32>,
    /// The school the run before proposed for the candidate, if any: any other school costs
    /// `Weights::moved`, so a re-run keeps what it need not change.
    pub previous: Option<u32>,
}

/// One entry of a candidate's ranked preferences.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Preference {
    School(u32),
    /// Any school of this district.
    District(u32),
}

impl Preference {
    /// Whether the entry names school `index` (of district `district`).
    pub fn covers(self, index: u32, district: u32) -> bool {
        match self {
            Preference::School(s) => s == index,
            Preference::District(d) => d == district,
        }
    }
}

impl Candidate {
    /// Where school `index` stands in the candidate's preferences: its rank from 0, or the
    /// number of entries (one past the end) when none names it.
    pub fn rank_of(&self, index: u32, school: &School) -> usize {
        (self.preferences.iter())
            .position(|p| p.covers(index, school.district))
            .unwrap_or(self.preferences.len())
    }
}

/// In plain files: a school by its index, a district as `d` and its index.
impl std::fmt::Display for Preference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Preference::School(s) => write!(f, "{s}"),
            Preference::District(d) => write!(f, "d{d}"),
        }
    }
}

impl std::str::FromStr for Preference {
    type Err = std::num::ParseIntError;

    fn from_str(text: &str) -> Result<Preference, Self::Err> {
        match text.strip_prefix('d') {
            Some(d) => d.parse().map(Preference::District),
            None => text.parse().map(Preference::School),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Mentor {
    pub school: u32,
    pub areas: Areas,
    pub bands: Bands,
    /// Candidates this mentor can take (usually 1).
    pub capacity: u32,
    pub eligible: bool,
    /// 0 (unknown or weakest) to 100 (strongest evidence of effectiveness).
    pub quality: u8,
}

#[derive(Debug, Clone, PartialEq)]
pub struct School {
    pub district: u32,
    pub lat: f64,
    pub lon: f64,
    /// Most candidates the school hosts this term.
    pub cap: u32,
    pub high_needs: bool,
}

/// Integer weights of the cost terms, set per run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Weights {
    /// Per whole kilometre of travel.
    pub travel_per_km: i64,
    /// Per step down the candidate's preference list; an unlisted school costs one step past
    /// the end (only for candidates who stated preferences).
    pub preference_rank: i64,
    /// Per 10 points of mentor quality short of 100.
    pub mentor_quality: i64,
    /// Added to a placement in a school that is not high-needs.
    pub high_needs_priority: i64,
    /// Added to a placement in another school than the one the run before proposed.
    pub moved: i64,
    /// Added once for each school a program's candidates go to, beyond the schools its locked
    /// placements already use: its first candidate there pays it, so a program's candidates
    /// gather in fewer schools (a supervisor visits fewer; a cohort meets). Not a network
    /// rule: see `Prepared::gather_cohorts`.
    pub cohort: i64,
}

impl Default for Weights {
    fn default() -> Self {
        Weights {
            travel_per_km: 10,
            preference_rank: 40,
            mentor_quality: 5,
            high_needs_priority: 30,
            moved: 0,
            cohort: 0,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Rules {
    /// Great-circle kilometres from the candidate's home to the school.
    pub max_travel_km: f64,
    pub weights: Weights,
    /// (candidate, mentor) pairs decided by people: always honoured.
    pub locks: Vec<(u32, u32)>,
    /// At least this many placements in high-needs schools (locks count). A hard rule: it comes
    /// before placing the most candidates; when it cannot be met, the solution says by how much.
    pub high_needs_min: u32,
    /// At least this percentage of placements in high-needs schools: of the most placements
    /// the other rules allow (locks count), made a minimum like `high_needs_min` (the larger of
    /// the two applies). Meeting it can place fewer, never lowering the share.
    pub high_needs_percent: Option<u32>,
    /// Limits on some districts' placements (locks count). A district's minimum is a quota like
    /// the high-needs one (before placing the most candidates; a shortfall is reported); its
    /// maximum is a hard cap like a school's.
    pub districts: Vec<DistrictLimit>,
    /// At most this many candidates of one program in any one school (locks count): keeps a
    /// school from being filled by one program's cohort. Not a network rule: it is priced
    /// (Lagrangian relaxation) and the solution reports its proven gap.
    pub program_school_cap: Option<u32>,
}

/// At least `min` and at most `max` placements in the schools of `district`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DistrictLimit {
    pub district: u32,
    pub min: u32,
    pub max: u32,
}

impl Default for Rules {
    fn default() -> Self {
        Rules {
            max_travel_km: 40.0,
            weights: Weights::default(),
            locks: Vec::new(),
            high_needs_min: 0,
            high_needs_percent: None,
            districts: Vec::new(),
            program_school_cap: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Instance {
    pub candidates: Vec<Candidate>,
    pub mentors: Vec<Mentor>,
    pub schools: Vec<School>,
}
