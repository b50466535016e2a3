//! The plain-file form of a matching instance, for `tandem match export|solve` and for other
//! solvers (bench/peers). A directory of CSV files with headers; indices count from 0; lists are
//! `;`-separated; yes/no facts are `1`/`0`:
//!
//! - `schools.csv`: `school,district,lat,lon,cap,high_needs`
//! - `mentors.csv`: `mentor,school,areas,bands,capacity,eligible,quality`
//! - `candidates.csv`: `candidate,program,area,band,lat,lon,preferences,allowed_districts,conflicts`
//!   `,excluded_mentors,previous` (`preferences` name schools, or districts as `d` and the
//!   district, most wanted first; `allowed_districts` empty means any district;
//!   `excluded_mentors`, the mentors who declined the candidate, and `previous`, the school the
//!   run before proposed, may be left out)
//! - `rules.csv`: `name,value` rows for `max_travel_km`, `travel_per_km`, `preference_rank`,
//!   `mentor_quality`, `high_needs_priority`, `high_needs_min` and, optionally,
//!   `moved` (the cost of a school other than `previous`), `cohort` (paid once per program and
//!   school used) and `program_school_cap` (at most this many candidates of one program in a
//!   school)
//! - `locks.csv`: `candidate,mentor`
//! - `districts.csv` (only when some are limited): `district,min,max` placements in a district's
//!   schools
//! - `edges.csv` (written, not read): `candidate,mentor,cost`, every pair the hard rules allow
//!   with its total cost — what a general min-cost-flow solver needs besides capacities.
//!
//! Rows must list records in index order (row k is record k), so a file cannot silently skip one.

use std::path::Path;

use anyhow::{Context, Result, bail};
use tandem_matching::{
    Areas, Bands, Candidate, DistrictLimit, Instance, Mentor, Preference, Rules, School, Weights,
};

fn list(values: impl IntoIterator<Item = impl ToString>) -> String {
    values
        .into_iter()
        .map(|v| v.to_string())
        .collect::<Vec<_>>()
        .join(";")
}

fn bits(mask: u32) -> Vec<u32> {
    (0..32).filter(|b| mask & (1 << b) != 0).collect()
}

fn writer(dir: &Path, name: &str, header: &[&str]) -> Result<csv::Writer<std::fs::File>> {
    let mut w = csv::Writer::from_path(dir.join(name))
        .with_context(|| format!("could not write {name}"))?;
    w.write_record(header)?;
    Ok(w)
}

/// Writes `instance` and `rules` to `dir` (created if needed); returns the number of edges.
pub fn export(instance: &Instance, rules: &Rules, dir: &Path) -> Result<usize> {
    std::fs::create_dir_all(dir).with_context(|| format!("could not create {}", dir.display()))?;
    let mut w = writer(
        dir,
        "schools.csv",
        &["school", "district", "lat", "lon", "cap", "high_needs"],
    )?;
    for (i, s) in instance.schools.iter().enumerate() {
        let row = [
            i.to_string(),
            s.district.to_string(),
            s.lat.to_string(),
            s.lon.to_string(),
            s.cap.to_string(),
        ];
        w.write_record(row.iter().map(String::as_str).chain([if s.high_needs {
            "1"
        } else {
            "0"
        }]))?;
    }
    w.flush()?;
    let mut w = writer(
        dir,
        "mentors.csv",
        &[
            "mentor", "school", "areas", "bands", "capacity", "eligible", "quality",
        ],
    )?;
    for (i, m) in instance.mentors.iter().enumerate() {
        w.write_record([
            i.to_string(),
            m.school.to_string(),
            list(bits(m.areas.0)),
            list(bits(u32::from(m.bands.0))),
            m.capacity.to_string(),
            u8::from(m.eligible).to_string(),
            m.quality.to_string(),
        ])?;
    }
    w.flush()?;
    let header = [
        "candidate",
        "program",
        "area",
        "band",
        "lat",
        "lon",
        "preferences",
        "allowed_districts",
        "conflicts",
        "excluded_mentors",
        "previous",
    ];
    let mut w = writer(dir, "candidates.csv", &header)?;
    for (i, c) in instance.candidates.iter().enumerate() {
        w.write_record([
            i.to_string(),
            c.program.to_string(),
            c.area.to_string(),
            c.band.to_string(),
            c.lat.to_string(),
            c.lon.to_string(),
            list(&c.preferences),
            c.allowed_districts.as_ref().map(list).unwrap_or_default(),
            list(&c.conflicts),
            list(&c.excluded_mentors),
            c.previous.map(|s| s.to_string()).unwrap_or_default(),
        ])?;
    }
    w.flush()?;
    let mut w = writer(dir, "rules.csv", &["name", "value"])?;
    let wt = rules.weights;
    for (name, value) in [
        ("max_travel_km", rules.max_travel_km.to_string()),
        ("travel_per_km", wt.travel_per_km.to_string()),
        ("preference_rank", wt.preference_rank.to_string()),
        ("mentor_quality", wt.mentor_quality.to_string()),
        ("high_needs_priority", wt.high_needs_priority.to_string()),
        ("high_needs_min", rules.high_needs_min.to_string()),
    ] {
        w.write_record([name, value.as_str()])?;
    }
    if wt.moved != 0 {
        w.write_record(["moved", wt.moved.to_string().as_str()])?;
    }
    if wt.cohort != 0 {
        w.write_record(["cohort", wt.cohort.to_string().as_str()])?;
    }
    if let Some(cap) = rules.program_school_cap {
        w.write_record(["program_school_cap", cap.to_string().as_str()])?;
    }
    w.flush()?;
    let mut w = writer(dir, "locks.csv", &["candidate", "mentor"])?;
    for (c, m) in &rules.locks {
        w.write_record([c.to_string(), m.to_string()])?;
    }
    w.flush()?;
    if !rules.districts.is_empty() {
        let mut w = writer(dir, "districts.csv", &["district", "min", "max"])?;
        for l in &rules.districts {
            w.write_record([l.district, l.min, l.max].map(|v| v.to_string()))?;
        }
        w.flush()?;
    }
    let mut w = writer(dir, "edges.csv", &["candidate", "mentor", "cost"])?;
    let mut count = 0;
    let mut failed = None;
    tandem_matching::each_edge(instance, rules, |c, m, cost| {
        count += 1;
        if failed.is_none() {
            failed = w
                .write_record([c.to_string(), m.to_string(), cost.to_string()])
                .err();
        }
    })
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    if let Some(error) = failed {
        return Err(error.into());
    }
    w.flush()?;
    Ok(count)
}

/// Reads one file's rows, calling `row` with a cell reader for each; errors name
/// `FILE:LINE: field: problem`.
fn read(dir: &Path, name: &str, mut row: impl FnMut(&Cells) -> Result<(), String>) -> Result<()> {
    let path = dir.join(name);
    let mut reader = csv::Reader::from_path(&path)
        .with_context(|| format!("could not open {}", path.display()))?;
    let headers = reader
        .headers()
        .map_err(|e| anyhow::anyhow!("{}:1: header: {e}", path.display()))?
        .clone();
    for (index, record) in reader.records().enumerate() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(index as u64 + 2, |p| p.line());
            anyhow::anyhow!("{}:{line}: row: {e}", path.display())
        })?;
        let line = record.position().map_or(index as u64 + 2, |p| p.line());
        let cells = Cells {
            record: &record,
            headers: &headers,
            index,
        };
        row(&cells).map_err(|problem| anyhow::anyhow!("{}:{line}: {problem}", path.display()))?;
    }
    Ok(())
}

struct Cells<'a> {
    record: &'a csv::StringRecord,
    headers: &'a csv::StringRecord,
    index: usize,
}

impl Cells<'_> {
    fn text(&self, field: &str) -> Result<&str, String> {
        let column = self
            .headers
            .iter()
            .position(|h| h == field)
            .ok_or(format!("{field}: column is missing"))?;
        Ok(self.record.get(column).unwrap_or("").trim())
    }

    fn has(&self, field: &str) -> bool {
        self.headers.iter().any(|h| h == field)
    }

    fn parse<T: std::str::FromStr>(&self, field: &str) -> Result<T, String> {
        let text = self.text(field)?;
        text.parse()
            .map_err(|_| format!("{field}: '{text}' is not a valid number"))
    }

    fn number(&self, field: &str, min: f64, max: f64) -> Result<f64, String> {
        let value: f64 = self.parse(field)?;
        if value.is_finite() && (min..=max).contains(&value) {
            Ok(value)
        } else {
            Err(format!("{field}: {value} is outside {min}..{max}"))
        }
    }

    fn flag(&self, field: &str) -> Result<bool, String> {
        match self.text(field)? {
            "1" => Ok(true),
            "0" => Ok(false),
            other => Err(format!("{field}: '{other}' is not 1 or 0")),
        }
    }

    fn list<T: std::str::FromStr>(&self, field: &str) -> Result<Vec<T>, String> {
        let text = self.text(field)?;
        text.split(';')
            .filter(|s| !s.trim().is_empty())
            .map(|s| {
                s.trim()
                    .parse()
                    .map_err(|_| format!("{field}: '{s}' is not a valid index"))
            })
            .collect()
    }

    /// The record's own index column must equal its position.
    fn index(&self, field: &str) -> Result<(), String> {
        let value: usize = self.parse(field)?;
        if value == self.index {
            Ok(())
        } else {
            Err(format!(
                "{field}: expected {} (rows are in index order), found {value}",
                self.index
            ))
        }
    }
}

/// Reads an instance and its rules from `dir`.
pub fn import(dir: &Path) -> Result<(Instance, Rules)> {
    let mut instance = Instance::default();
    read(dir, "schools.csv", |r| {
        r.index("school")?;
        instance.schools.push(School {
            district: r.parse("district")?,
            lat: r.number("lat", -90.0, 90.0)?,
            lon: r.number("lon", -180.0, 180.0)?,
            cap: r.parse("cap")?,
            high_needs: r.flag("high_needs")?,
        });
        Ok(())
    })?;
    let schools = instance.schools.len() as u32;
    read(dir, "mentors.csv", |r| {
        r.index("mentor")?;
        let school: u32 = r.parse("school")?;
        if school >= schools {
            return Err(format!("school: {school} is not a school of schools.csv"));
        }
        let areas: Vec<u8> = r.list("areas")?;
        let bands: Vec<u8> = r.list("bands")?;
        if let Some(a) = areas.iter().find(|a| **a >= 32) {
            return Err(format!("areas: {a} is not an area (0–31)"));
        }
        if let Some(b) = bands.iter().find(|b| **b >= 8) {
            return Err(format!("bands: {b} is not a band (0–7)"));
        }
        instance.mentors.push(Mentor {
            school,
            areas: Areas::of(&areas),
            bands: Bands::of(&bands),
            capacity: r.parse("capacity")?,
            eligible: r.flag("eligible")?,
            quality: r.number("quality", 0.0, 100.0)? as u8,
        });
        Ok(())
    })?;
    let mentors = instance.mentors.len() as u32;
    read(dir, "candidates.csv", |r| {
        r.index("candidate")?;
        let in_range = |field: &str, list: &[u32]| match list.iter().find(|s| **s >= schools) {
            Some(s) => Err(format!("{field}: {s} is not a school of schools.csv")),
            None => Ok(()),
        };
        let preferences: Vec<Preference> = r.list("preferences")?;
        let conflicts: Vec<u32> = r.list("conflicts")?;
        let preferred_schools: Vec<u32> = (preferences.iter())
            .filter_map(|p| match p {
                Preference::School(s) => Some(*s),
                Preference::District(_) => None,
            })
            .collect();
        in_range("preferences", &preferred_schools)?;
        in_range("conflicts", &conflicts)?;
        let allowed: Vec<u32> = r.list("allowed_districts")?;
        let previous: Vec<u32> = if r.has("previous") {
            r.list("previous")?
        } else {
            Vec::new()
        };
        in_range("previous", &previous)?;
        if previous.len() > 1 {
            return Err("previous: one school at most".into());
        }
        let excluded: Vec<u32> = if r.has("excluded_mentors") {
            r.list("excluded_mentors")?
        } else {
            Vec::new()
        };
        if let Some(m) = excluded.iter().find(|m| **m >= mentors) {
            return Err(format!(
                "excluded_mentors: {m} is not a mentor of mentors.csv"
            ));
        }
        instance.candidates.push(Candidate {
            program: r.parse("program")?,
            area: r.number("area", 0.0, 31.0)? as u8,
            band: r.number("band", 0.0, 7.0)? as u8,
            lat: r.number("lat", -90.0, 90.0)?,
            lon: r.number("lon", -180.0, 180.0)?,
            preferences,
            allowed_districts: (!allowed.is_empty()).then_some(allowed),
            conflicts,
            excluded_mentors: excluded,
            previous: previous.first().copied(),
        });
        Ok(())
    })?;
    let mut rules = Rules {
        weights: Weights::default(),
        ..Rules::default()
    };
    read(dir, "rules.csv", |r| {
        let value = || r.number("value", 0.0, 1e9);
        match r.text("name")? {
            "max_travel_km" => rules.max_travel_km = value()?,
            "travel_per_km" => rules.weights.travel_per_km = value()? as i64,
            "preference_rank" => rules.weights.preference_rank = value()? as i64,
            "mentor_quality" => rules.weights.mentor_quality = value()? as i64,
            "high_needs_priority" => rules.weights.high_needs_priority = value()? as i64,
            "moved" => rules.weights.moved = value()? as i64,
            "cohort" => rules.weights.cohort = value()? as i64,
            "high_needs_min" => rules.high_needs_min = value()? as u32,
            "program_school_cap" => rules.program_school_cap = Some(value()? as u32),
            other => return Err(format!("name: '{other}' is not a rule")),
        }
        Ok(())
    })?;
    let (candidates, mentors) = (
        instance.candidates.len() as u32,
        instance.mentors.len() as u32,
    );
    if dir.join("locks.csv").exists() {
        read(dir, "locks.csv", |r| {
            let (c, m): (u32, u32) = (r.parse("candidate")?, r.parse("mentor")?);
            if c >= candidates {
                return Err(format!(
                    "candidate: {c} is not a candidate of candidates.csv"
                ));
            }
            if m >= mentors {
                return Err(format!("mentor: {m} is not a mentor of mentors.csv"));
            }
            rules.locks.push((c, m));
            Ok(())
        })?;
    }
    if dir.join("districts.csv").exists() {
        read(dir, "districts.csv", |r| {
            rules.districts.push(DistrictLimit {
                district: r.parse("district")?,
                min: r.parse("min")?,
                max: r.parse("max")?,
            });
            Ok(())
        })?;
    }
    if instance.schools.is_empty() {
        bail!("{}: no schools", dir.join("schools.csv").display());
    }
    Ok((instance, rules))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small() -> (Instance, Rules) {
        let instance = Instance {
            schools: vec![
                School {
                    district: 0,
                    lat: 42.33,
                    lon: -83.04,
                    cap: 2,
                    high_needs: true,
                },
                School {
                    district: 1,
                    lat: 42.28,
                    lon: -83.74,
                    cap: 1,
                    high_needs: false,
                },
            ],
            mentors: vec![
                Mentor {
                    school: 0,
                    areas: Areas::of(&[1, 6]),
                    bands: Bands::of(&[1]),
                    capacity: 1,
                    eligible: true,
                    quality: 80,
                },
                Mentor {
                    school: 1,
                    areas: Areas::of(&[3]),
                    bands: Bands::of(&[2, 3]),
                    capacity: 2,
                    eligible: false,
                    quality: 55,
                },
            ],
            candidates: vec![Candidate {
                program: 4,
                area: 1,
                band: 1,
                lat: 42.3,
                lon: -83.1,
                preferences: vec![Preference::School(1), Preference::District(0)],
                allowed_districts: Some(vec![0]),
                conflicts: vec![1],
                excluded_mentors: vec![1],
                previous: Some(1),
            }],
        };
        let rules = Rules {
            max_travel_km: 25.5,
            locks: vec![(0, 0)],
            districts: vec![DistrictLimit {
                district: 0,
                min: 1,
                max: 2,
            }],
            program_school_cap: Some(2),
            weights: Weights {
                moved: 15,
                ..Weights::default()
            },
            ..Rules::default()
        };
        (instance, rules)
    }

    fn scratch(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("tandem-match-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn an_exported_instance_reads_back_the_same() {
        let (instance, rules) = small();
        let dir = scratch("roundtrip");
        let edges = export(&instance, &rules, &dir).unwrap();
        assert_eq!(edges, 1);
        let (read, read_rules) = import(&dir).unwrap();
        assert_eq!(read, instance);
        assert_eq!(read_rules, rules);
    }

    #[test]
    fn the_checked_in_instances_solve_to_their_known_optima() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/instances");
        let expected = std::fs::read_to_string(root.join("expected.csv")).unwrap();
        for line in expected.lines().skip(1) {
            let fields: Vec<&str> = line.split(',').collect();
            let (instance, rules) = import(&root.join(fields[0])).unwrap();
            let solution = tandem_matching::solve(&instance, &rules).unwrap();
            assert_eq!(
                solution.placements.len().to_string(),
                fields[1],
                "{}",
                fields[0]
            );
            assert_eq!(solution.objective.to_string(), fields[2], "{}", fields[0]);
            assert_eq!(solution.gap(), 0);
        }
    }

    #[test]
    fn a_malformed_file_names_its_line_and_field() {
        let (instance, rules) = small();
        let dir = scratch("malformed");
        export(&instance, &rules, &dir).unwrap();
        let mentors = std::fs::read_to_string(dir.join("mentors.csv")).unwrap();
        std::fs::write(
            dir.join("mentors.csv"),
            mentors.replacen("\n1,1,", "\n1,7,", 1),
        )
        .unwrap();
        let error = import(&dir).unwrap_err().to_string();
        assert_eq!(
            error,
            format!(
                "{}:3: school: 7 is not a school of schools.csv",
                dir.join("mentors.csv").display()
            )
        );
        std::fs::write(
            dir.join("mentors.csv"),
            mentors.replacen(",80\n", ",eighty\n", 1),
        )
        .unwrap();
        let error = import(&dir).unwrap_err().to_string();
        assert!(
            error.ends_with("mentors.csv:2: quality: 'eighty' is not a valid number"),
            "{error}"
        );
    }
}
