//! `tandem bench-match`: generates a state-scale instance from a real NCES directory, solves it
//! and prints one line of figures.

use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result};
use tandem_domain::nces::NcesSchool;
use tandem_matching::caseloads::{self, Site, Supervisor};
use tandem_matching::generate::{DirectorySchool, instance};
use tandem_matching::{Rules, prepare};

/// The scenarios: (NCES file stem, candidates, provider sites).
pub fn scenario(name: &str) -> Result<(&'static str, usize, usize)> {
    match name {
        "michigan" => Ok(("michigan", 4_000, 30)),
        "california" => Ok(("california", 20_000, 80)),
        "national" => Ok(("national", 160_000, 640)),
        other => anyhow::bail!("unknown scenario '{other}': use michigan, california or national"),
    }
}

/// Grade codes as numbers: PK is -1, KG and TK 0, then 1–13.
fn grade(code: Option<&str>) -> Option<i8> {
    match code? {
        "PK" => Some(-1),
        "KG" | "TK" => Some(0),
        digits => digits.parse().ok(),
    }
}

/// The directory's schools with coordinates, as the generator wants them.
pub fn directory(file: &Path) -> Result<Vec<DirectorySchool>> {
    Ok(located_schools(file)?.into_iter().map(|(_, s)| s).collect())
}

/// The directory's schools that have coordinates, each with its NCES record.
pub fn located_schools(file: &Path) -> Result<Vec<(NcesSchool, DirectorySchool)>> {
    let reader =
        std::fs::File::open(file).with_context(|| format!("could not open {}", file.display()))?;
    let schools = tandem_domain::nces::read_schools(std::io::BufReader::new(reader), |_| {})
        .map_err(|e| anyhow::anyhow!("{}:{e}", file.display()))?;
    let mut districts = std::collections::HashMap::new();
    Ok(schools
        .into_iter()
        .filter_map(|s| {
            let next = districts.len() as u32;
            let district = *districts.entry(s.district_nces_id.clone()).or_insert(next);
            let school = DirectorySchool {
                district,
                lat: s.latitude?,
                lon: s.longitude?,
                teachers: s.teachers_fte.unwrap_or(0.0),
                grades: (
                    grade(s.low_grade.as_deref()).unwrap_or(0),
                    grade(s.high_grade.as_deref()).unwrap_or(12),
                ),
                high_needs: s.high_needs().unwrap_or(false),
            };
            Some((s, school))
        })
        .collect())
}

/// Peak resident memory of this process, in MB (Linux).
fn peak_mb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        })
        .map_or(0, |kb| kb / 1024)
}

/// The instance of a scenario, generated from its NCES directory.
pub fn generate(name: &str, seed: u64, nces_dir: &Path) -> Result<tandem_matching::Instance> {
    let (stem, candidates, sites) = scenario(name)?;
    let directory = if stem == "national" {
        national(nces_dir)?
    } else {
        directory(&nces_dir.join(format!("{stem}_schools.csv")))?
    };
    Ok(instance(&directory, candidates, sites, seed))
}

/// A synthetic nation of 3.0 million teachers: the three states' real directories (California,
/// Michigan, Florida: 505,000 teachers in 18,000 schools) laid out six times over, at 0°, 120°
/// and 240° of longitude east of where they are, in both hemispheres (the southern copies
/// mirrored across the equator). The copies are thousands of kilometres apart, so each is an
/// independent market; districts are numbered apart per copy.
fn national(nces_dir: &Path) -> Result<Vec<DirectorySchool>> {
    let mut states = Vec::new();
    for stem in ["california", "michigan", "florida"] {
        let schools = directory(&nces_dir.join(format!("{stem}_schools.csv")))?;
        let offset = states
            .iter()
            .map(|s: &DirectorySchool| s.district + 1)
            .max();
        states.extend(schools.into_iter().map(|s| DirectorySchool {
            district: s.district + offset.unwrap_or(0),
            ..s
        }));
    }
    let districts = states.iter().map(|s| s.district + 1).max().unwrap_or(0);
    let mut nation = Vec::with_capacity(states.len() * 6);
    for copy in 0..6u32 {
        let east = f64::from(copy % 3) * 120.0;
        let south = copy >= 3;
        nation.extend(states.iter().map(|s| DirectorySchool {
            district: s.district + copy * districts,
            lat: if south { -s.lat } else { s.lat },
            // Within (-180, 180]: the states span 124° W to 80° W.
            lon: if s.lon + east > 180.0 {
                s.lon + east - 360.0
            } else {
                s.lon + east
            },
            ..s.clone()
        }));
    }
    Ok(nation)
}

/// Solves and prints one line of figures; returns the solution.
pub fn report(
    name: &str,
    instance: &tandem_matching::Instance,
    rules: &Rules,
) -> Result<tandem_matching::Solution> {
    // A state of separate markets is solved market by market, each prepared on its own:
    // `solve_s` is all of that. Otherwise edge generation (checking, mentor grouping, first
    // options) and the solve are timed apart. `gen_s` is always the whole instance's.
    let error = |e: tandem_matching::InstanceError| anyhow::anyhow!("{e}");
    let started = Instant::now();
    let apart = tandem_matching::solve_markets(instance, rules).map_err(error)?;
    let split_s = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let prepared = prepare(instance, rules).map_err(error)?;
    let gen_s = started.elapsed().as_secs_f64();
    let (solution, solve_s) = match apart {
        Some(solution) => (solution, split_s),
        None => {
            let started = Instant::now();
            let solution = prepared.solve();
            (solution, split_s + started.elapsed().as_secs_f64())
        }
    };
    say!(
        "match scenario={name} candidates={} mentors={} edges={} placed={} may_place_more={} high_needs={}/{} objective={} bound={} gap={} gen_s={gen_s:.3} solve_s={solve_s:.3} peak_mb={}",
        instance.candidates.len(),
        instance.mentors.len(),
        solution.edges,
        solution.placements.len(),
        solution.may_place_more,
        solution.high_needs_placed,
        rules.high_needs_min,
        solution.objective,
        solution.bound,
        solution.gap(),
        peak_mb()
    );
    Ok(solution)
}

/// Assigns `count` program supervisors to a solution's placements (`caseloads::assign`, as
/// the term page does) and prints one line of figures. Their bases are spread over the
/// candidates' homes, so they sit where the programs are.
fn supervise(
    name: &str,
    instance: &tandem_matching::Instance,
    solution: &tandem_matching::Solution,
    count: usize,
) {
    let mut visits = vec![0u32; instance.schools.len()];
    for p in &solution.placements {
        visits[p.school as usize] += 1;
    }
    let sites: Vec<Site> = (instance.schools.iter().zip(&visits))
        .filter(|(_, v)| **v > 0)
        .map(|(s, &visits)| Site {
            lat: s.lat,
            lon: s.lon,
            visits,
        })
        .collect();
    let n = instance.candidates.len().max(1);
    let supervisors: Vec<Supervisor> = (0..count)
        .map(|i| {
            let home = &instance.candidates[i * n / count.max(1) % n];
            Supervisor {
                load: 0,
                base: Some((home.lat, home.lon)),
            }
        })
        .collect();
    let started = Instant::now();
    let assigned = caseloads::assign(&supervisors, &sites);
    let solve_s = started.elapsed().as_secs_f64();
    let mut loads = vec![0u32; supervisors.len()];
    let mut tenths = 0;
    for (site, split) in sites.iter().zip(&assigned) {
        for &(v, n) in split {
            loads[v] += n;
            tenths += caseloads::travel(&supervisors[v], site) * i64::from(n);
        }
    }
    say!(
        "caseloads scenario={name} placements={} sites={} supervisors={count} load_min={} load_max={} travel_km={} solve_s={solve_s:.3} peak_mb={}",
        solution.placements.len(),
        sites.len(),
        loads.iter().min().unwrap_or(&0),
        loads.iter().max().unwrap_or(&0),
        tenths / 10,
        peak_mb()
    );
}

/// The benchmark's rules: the defaults (40 km, school caps) and a quota of high-needs placements
/// for a third of the candidates.
pub fn rules(instance: &tandem_matching::Instance) -> Rules {
    Rules {
        high_needs_min: instance.candidates.len() as u32 / 3,
        ..Rules::default()
    }
}

pub fn run(
    scenario: &str,
    seed: u64,
    nces_dir: &Path,
    cold: bool,
    (program_cap, cohort_weight): (Option<u32>, Option<i64>),
    supervisors: Option<usize>,
) -> Result<()> {
    let instance = generate(scenario, seed, nces_dir)?;
    let mut rules = Rules {
        program_school_cap: program_cap,
        ..rules(&instance)
    };
    rules.weights.cohort = cohort_weight.unwrap_or(0);
    let mut name = scenario.to_string();
    if let Some(cap) = program_cap {
        name += &format!("-program-cap{cap}");
    }
    if let Some(weight) = cohort_weight {
        name += &format!("-cohort{weight}");
    }
    let name = name.as_str();
    let solution = report(name, &instance, &rules)?;
    if let Some(count) = supervisors {
        supervise(name, &instance, &solution, count);
    }
    if cold {
        return Ok(());
    }
    // A re-run after people lock a tenth of the placements, as they do between runs.
    let cold = tandem_matching::solve(&instance, &rules).map_err(|e| anyhow::anyhow!("{e}"))?;
    let locks = cold
        .placements
        .iter()
        .step_by(10)
        .map(|p| (p.candidate, p.mentor))
        .collect();
    let relock = Rules { locks, ..rules };
    report(&format!("{name}-relock10"), &instance, &relock).map(drop)
}
