//! Realistic synthetic instances from a real school directory, for benchmarks.
//!
//! - **Mentors**: each school gets round(teacher FTE) teachers (California: 266,870). A teacher
//!   holds one licensure area (sometimes two) drawn from what a school of that grade span employs
//!   (elementary schools: mostly elementary; secondary: English, mathematics, science, social
//!   studies, special education…) and the grade bands the school's span covers. 60 % are eligible
//!   to mentor; quality is uniform 0–100; capacity 1.
//! - **Schools** host at most one candidate per eight teachers (at least one).
//! - **Candidates** live around provider sites at the largest districts (by teachers), within a
//!   normal spread of 12 km, in realistic proportions of areas: elementary the most; special
//!   education, mathematics and science scarce. Each names three preferred schools among the
//!   ten nearest.
//!
//! Deterministic: the same directory and seed give the same instance.

use crate::geo::distance_km;
use crate::model::{Areas, Bands, Candidate, Instance, Mentor, Preference, School};

/// Licensure areas, in the order of `tandem_domain::LicensureArea::ALL`.
pub mod area {
    pub const EARLY_CHILDHOOD: u8 = 0;
    pub const ELEMENTARY: u8 = 1;
    pub const ENGLISH: u8 = 2;
    pub const MATHEMATICS: u8 = 3;
    pub const SCIENCE: u8 = 4;
    pub const SOCIAL_STUDIES: u8 = 5;
    pub const SPECIAL_EDUCATION: u8 = 6;
    pub const ENGLISH_LEARNERS: u8 = 7;
    pub const WORLD_LANGUAGES: u8 = 8;
    pub const ARTS: u8 = 9;
    pub const PHYSICAL_EDUCATION: u8 = 10;
    pub const COMPUTER_SCIENCE: u8 = 11;
    pub const CAREER_TECHNICAL: u8 = 12;
}

/// Grade bands, in the order of `tandem_domain::GradeBand::ALL`.
pub mod band {
    pub const EARLY_CHILDHOOD: u8 = 0;
    pub const ELEMENTARY: u8 = 1;
    pub const MIDDLE: u8 = 2;
    pub const SECONDARY: u8 = 3;
}

/// A school of the directory, as the generator needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct DirectorySchool {
    pub district: u32,
    pub lat: f64,
    pub lon: f64,
    pub teachers: f64,
    /// Lowest and highest grade: -1 for PK, 0 for KG, 1–12.
    pub grades: (i8, i8),
    pub high_needs: bool,
}

/// SplitMix64: a small, well-mixed deterministic generator (no dependency for ten lines).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    /// A standard normal draw (Box–Muller).
    fn normal(&mut self) -> f64 {
        let (u, v) = (self.unit().max(1e-12), self.unit());
        (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
    }

    fn pick(&mut self, weights: &[(u8, u32)]) -> u8 {
        let total: u32 = weights.iter().map(|w| w.1).sum();
        let mut roll = self.below(total as usize) as u32;
        for &(value, weight) in weights {
            if roll < weight {
                return value;
            }
            roll -= weight;
        }
        weights[0].0
    }
}

use area::*;

const ELEMENTARY_STAFF: &[(u8, u32)] = &[
    (ELEMENTARY, 76),
    (SPECIAL_EDUCATION, 11),
    (ENGLISH_LEARNERS, 5),
    (ARTS, 4),
    (PHYSICAL_EDUCATION, 4),
];
const SECONDARY_STAFF: &[(u8, u32)] = &[
    (ENGLISH, 17),
    (MATHEMATICS, 14),
    (SCIENCE, 13),
    (SOCIAL_STUDIES, 13),
    (SPECIAL_EDUCATION, 11),
    (WORLD_LANGUAGES, 6),
    (ARTS, 7),
    (PHYSICAL_EDUCATION, 7),
    (CAREER_TECHNICAL, 5),
    (COMPUTER_SCIENCE, 3),
    (ENGLISH_LEARNERS, 4),
];
const CANDIDATE_AREAS: &[(u8, u32)] = &[
    (ELEMENTARY, 38),
    (EARLY_CHILDHOOD, 8),
    (ENGLISH, 10),
    (SOCIAL_STUDIES, 8),
    (SPECIAL_EDUCATION, 7),
    (MATHEMATICS, 6),
    (SCIENCE, 5),
    (PHYSICAL_EDUCATION, 6),
    (ARTS, 5),
    (WORLD_LANGUAGES, 3),
    (ENGLISH_LEARNERS, 2),
    (CAREER_TECHNICAL, 2),
];

/// The grade bands a span of grades covers.
fn bands_of(grades: (i8, i8)) -> Bands {
    let (lo, hi) = grades;
    let mut bands = Vec::new();
    if lo <= 3 {
        bands.push(band::EARLY_CHILDHOOD);
    }
    if lo <= 6 && hi >= 0 {
        bands.push(band::ELEMENTARY);
    }
    if lo <= 9 && hi >= 5 {
        bands.push(band::MIDDLE);
    }
    if hi >= 7 {
        bands.push(band::SECONDARY);
    }
    Bands::of(&bands)
}

/// The provider sites: the largest school of each of the `sites` largest districts (by
/// teachers), as indices into `directory`. Candidate `k` belongs to site `k % sites`.
pub fn provider_sites(directory: &[DirectorySchool], sites: usize) -> Vec<usize> {
    let mut by_district: std::collections::BTreeMap<u32, (f64, usize)> =
        std::collections::BTreeMap::new();
    for (i, s) in directory.iter().enumerate() {
        let entry = by_district.entry(s.district).or_insert((0.0, i));
        entry.0 += s.teachers;
        if s.teachers > directory[entry.1].teachers {
            entry.1 = i;
        }
    }
    let mut largest: Vec<(f64, usize)> = by_district.into_values().collect();
    largest.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    largest.iter().take(sites.max(1)).map(|(_, i)| *i).collect()
}

/// Builds `candidates` candidates around `sites` provider sites of the directory's schools.
pub fn instance(
    directory: &[DirectorySchool],
    candidates: usize,
    sites: usize,
    seed: u64,
) -> Instance {
    let mut rng = Rng(seed);
    let mut instance = Instance::default();
    for school in directory {
        let teachers = school.teachers.max(0.0).round() as usize;
        let bands = bands_of(school.grades);
        let staff = if school.grades.1 <= 6 {
            ELEMENTARY_STAFF
        } else {
            SECONDARY_STAFF
        };
        let index = instance.schools.len() as u32;
        instance.schools.push(School {
            district: school.district,
            lat: school.lat,
            lon: school.lon,
            cap: (teachers / 8).max(1) as u32,
            high_needs: school.high_needs,
        });
        for _ in 0..teachers {
            let mut areas = vec![rng.pick(staff)];
            if school.grades.0 <= 0 && areas[0] == ELEMENTARY && rng.below(4) == 0 {
                areas.push(EARLY_CHILDHOOD);
            }
            if rng.below(8) == 0 {
                areas.push(rng.pick(staff));
            }
            instance.mentors.push(Mentor {
                school: index,
                areas: Areas::of(&areas),
                bands,
                capacity: 1,
                eligible: rng.below(10) < 6,
                quality: rng.below(101) as u8,
            });
        }
    }
    let sites: Vec<(f64, f64)> = provider_sites(directory, sites)
        .into_iter()
        .map(|i| (directory[i].lat, directory[i].lon))
        .collect();
    if sites.is_empty() {
        return instance;
    }
    for k in 0..candidates {
        let (lat, lon) = sites[k % sites.len()];
        let home_lat = lat + rng.normal() * 12.0 / 111.0;
        let home_lon = lon + rng.normal() * 12.0 / (111.0 * lat.to_radians().cos().max(0.1));
        let area = rng.pick(CANDIDATE_AREAS);
        let band = match area {
            EARLY_CHILDHOOD => band::EARLY_CHILDHOOD,
            ELEMENTARY | ENGLISH_LEARNERS => band::ELEMENTARY,
            SPECIAL_EDUCATION => [band::ELEMENTARY, band::MIDDLE, band::SECONDARY][rng.below(3)],
            _ => {
                if rng.below(10) < 3 {
                    band::MIDDLE
                } else {
                    band::SECONDARY
                }
            }
        };
        let mut nearest: Vec<(f64, u32)> = instance
            .schools
            .iter()
            .enumerate()
            .filter(|(_, s)| (s.lat - home_lat).abs() < 0.3)
            .map(|(i, s)| (distance_km(home_lat, home_lon, s.lat, s.lon), i as u32))
            .collect();
        nearest.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        nearest.truncate(10);
        let mut preferences = Vec::new();
        while preferences.len() < 3.min(nearest.len()) {
            let school = Preference::School(nearest[rng.below(nearest.len())].1);
            if !preferences.contains(&school) {
                preferences.push(school);
            }
        }
        instance.candidates.push(Candidate {
            program: (k % sites.len()) as u32,
            area,
            band,
            lat: home_lat,
            lon: home_lon,
            preferences,
            allowed_districts: None,
            conflicts: Vec::new(),
            excluded_mentors: Vec::new(),
            previous: None,
        });
    }
    instance
}
