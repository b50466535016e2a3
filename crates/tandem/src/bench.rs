//! `tandem bench-match`: generates a state-scale instance from a real NCES directory, solves it
//! and prints one line of figures.

use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result};
use tandem_domain::nces::NcesSchool;
use tandem_matching::generate::{DirectorySchool, instance};
use tandem_matching::{Rules, prepare};

/// The scenarios: (NCES file stem, candidates, provider sites).
pub fn scenario(name: &str) -> Result<(&'static str, usize, usize)> {
    match name {
        "michigan" => Ok(("michigan", 4_000, 30)),
        "california" => Ok(("california", 20_000, 80)),
        other => anyhow::bail!("unknown scenario '{other}': use michigan or california"),
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
    let directory = directory(&nces_dir.join(format!("{stem}_schools.csv")))?;
    Ok(instance(&directory, candidates, sites, seed))
}

/// Solves and prints one line of figures.
pub fn report(name: &str, instance: &tandem_matching::Instance, rules: &Rules) -> Result<()> {
    let started = Instant::now();
    let prepared = prepare(instance, rules).map_err(|e| anyhow::anyhow!("{e}"))?;
    let gen_s = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let solution = prepared.solve();
    let solve_s = started.elapsed().as_secs_f64();
    say!(
        "match scenario={name} candidates={} mentors={} edges={} placed={} high_needs={}/{} objective={} bound={} gap={} gen_s={gen_s:.3} solve_s={solve_s:.3} peak_mb={}",
        instance.candidates.len(),
        instance.mentors.len(),
        solution.edges,
        solution.placements.len(),
        solution.high_needs_placed,
        rules.high_needs_min,
        solution.objective,
        solution.bound,
        solution.gap(),
        peak_mb()
    );
    Ok(())
}

/// The benchmark's rules: the defaults (40 km, school caps) and a quota of high-needs placements
/// for a third of the candidates.
pub fn rules(instance: &tandem_matching::Instance) -> Rules {
    Rules {
        high_needs_min: instance.candidates.len() as u32 / 3,
        ..Rules::default()
    }
}

pub fn run(name: &str, seed: u64, nces_dir: &Path, cold: bool) -> Result<()> {
    let instance = generate(name, seed, nces_dir)?;
    let rules = rules(&instance);
    report(name, &instance, &rules)?;
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
    report(&format!("{name}-relock10"), &instance, &relock)
}
