//! Clinical placements: terms and their run rules, schools' hosting answers, mentor profiles and
//! the partnership's eligibility rules, candidates, and a match run — the inputs Tandem hands the
//! engine (kept with every run so any result can be explained later) and what comes back.

use serde::{Deserialize, Serialize};
pub use tandem_matching::geo::distance_km;
use time::Date;
use utoipa::ToSchema;

use crate::input::{FieldErrors, choice, email, name, optional_whole, zip};
use crate::meetings::ids;
use crate::nces::RowError;
use crate::partnerships::{date, decimal, long_text};
use crate::values::{GradeBand, LicensureArea};

vocabulary! {
    /// What a placement term is for.
    TermKind {
        PrePracticum = "pre_practicum", "Pre-practicum";
        StudentTeaching = "student_teaching", "Student teaching";
        Residency = "residency", "Residency year";
    }
}

vocabulary! {
    /// Where a placement stands: a run proposes it, the district approves it, the mentor accepts.
    PlacementStatus {
        Proposed = "proposed", "Proposed: waiting for the district";
        Approved = "approved", "Approved: waiting for the mentor";
        Confirmed = "confirmed", "Confirmed";
    }
}

/// The hard rules and weights a coordinator sets for a term's runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RunRules {
    pub max_travel_km: f64,
    /// At least this many placements in high-needs schools.
    pub high_needs_min: u32,
    /// At least this percentage of the placements in high-needs schools.
    #[serde(default)]
    pub high_needs_percent: Option<u32>,
    pub travel_per_km: i64,
    pub preference_rank: i64,
    pub mentor_quality: i64,
    pub high_needs_priority: i64,
    /// Added to a placement in another school than the one the run before proposed (0: a
    /// re-run moves candidates freely).
    #[serde(default)]
    pub moved: i64,
    /// Added once for each school a program's candidates go to (0: no pull to keep a program's
    /// candidates together).
    #[serde(default)]
    pub cohort: i64,
    /// Limits on the placements in some of the partnership's districts.
    #[serde(default)]
    pub districts: Vec<DistrictRule>,
    /// Cohort size: at most this many candidates of one program in a school.
    #[serde(default)]
    pub cohort_max: Option<u32>,
}

/// At least `min` and at most `max` (no limit when absent) placements in a district's schools.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DistrictRule {
    pub district_id: i64,
    /// The district's name when the rule was set.
    pub name: String,
    pub min: u32,
    pub max: Option<u32>,
}

/// A line of the district-limits field, before its district is looked up by name.
#[derive(Debug, Clone, PartialEq)]
pub struct DistrictLine {
    pub line: usize,
    pub name: String,
    pub min: u32,
    pub max: Option<u32>,
}

/// Reads the district-limits field: one district a line, `name, at least, at most` (a blank
/// number means no limit).
fn district_lines(errors: &mut FieldErrors, field: &str, raw: &str) -> Vec<DistrictLine> {
    let mut lines = Vec::new();
    for (i, text) in raw
        .lines()
        .enumerate()
        .filter(|(_, t)| !t.trim().is_empty())
    {
        let line = i + 1;
        let parts: Vec<&str> = text.rsplitn(3, ',').map(str::trim).collect();
        let [max, min, name] = parts[..] else {
            errors.add(field, format!("Line {line}: write the district's name, the least and the most placements, separated by commas"));
            return lines;
        };
        let number = |raw: &str| -> Result<Option<u32>, ()> {
            if raw.is_empty() {
                return Ok(None);
            }
            raw.parse::<u32>()
                .ok()
                .filter(|n| *n <= 100_000)
                .map(Some)
                .ok_or(())
        };
        match (number(min), number(max)) {
            (Ok(min), Ok(max)) if min.unwrap_or(0) <= max.unwrap_or(u32::MAX) => {
                if lines.iter().any(|l: &DistrictLine| l.name.eq_ignore_ascii_case(name)) {
                    errors.add(field, format!("Line {line}: {name} is limited twice"));
                }
                lines.push(DistrictLine { line, name: name.to_string(), min: min.unwrap_or(0), max });
            }
            (Ok(_), Ok(_)) => errors.add(field, format!("Line {line}: the least is more than the most")),
            _ => errors.add(field, format!("Line {line}: the least and the most are whole numbers from 0 to 100000, or blank")),
        }
    }
    lines
}

impl Default for RunRules {
    fn default() -> Self {
        let w = tandem_matching::Weights::default();
        RunRules {
            max_travel_km: 40.0,
            high_needs_min: 0,
            high_needs_percent: None,
            travel_per_km: w.travel_per_km,
            preference_rank: w.preference_rank,
            mentor_quality: w.mentor_quality,
            high_needs_priority: w.high_needs_priority,
            moved: w.moved,
            cohort: w.cohort,
            districts: Vec::new(),
            cohort_max: None,
        }
    }
}

impl RunRules {
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Stored rules; unreadable ones (never written by Tandem) fall back to the defaults.
    pub fn from_json(text: &str) -> RunRules {
        serde_json::from_str(text).unwrap_or_default()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct TermDraft {
    pub name: String,
    pub kind: TermKind,
    pub starts_on: Date,
    pub ends_on: Date,
    /// Its `districts` are filled from `district_lines` once their names are looked up.
    pub rules: RunRules,
    pub district_lines: Vec<DistrictLine>,
}

/// Raw fields of a term and its run rules.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct TermFields {
    pub name: String,
    pub kind: String,
    /// YYYY-MM-DD.
    pub starts_on: String,
    pub ends_on: String,
    pub max_travel_km: String,
    pub high_needs_min: String,
    /// Blank for no percentage.
    pub high_needs_percent: String,
    pub travel_per_km: String,
    pub preference_rank: String,
    pub mentor_quality: String,
    pub high_needs_priority: String,
    pub moved: String,
    pub cohort: String,
    /// One district a line: `name, at least, at most`.
    pub district_limits: String,
    /// Blank for no cohort size limit.
    pub cohort_max: String,
}

impl TermFields {
    pub fn from_rules(rules: &RunRules) -> TermFields {
        let limit = |n: Option<u32>| n.map(|n| n.to_string()).unwrap_or_default();
        TermFields {
            district_limits: (rules.districts.iter())
                .map(|d| format!("{}, {}, {}\n", d.name, d.min, limit(d.max)))
                .collect(),
            max_travel_km: format!("{}", rules.max_travel_km),
            high_needs_min: rules.high_needs_min.to_string(),
            travel_per_km: rules.travel_per_km.to_string(),
            preference_rank: rules.preference_rank.to_string(),
            mentor_quality: rules.mentor_quality.to_string(),
            high_needs_priority: rules.high_needs_priority.to_string(),
            moved: rules.moved.to_string(),
            cohort: rules.cohort.to_string(),
            cohort_max: rules.cohort_max.map(|n| n.to_string()).unwrap_or_default(),
            high_needs_percent: (rules.high_needs_percent)
                .map(|n| n.to_string())
                .unwrap_or_default(),
            ..TermFields::default()
        }
    }

    pub fn parse(&self) -> Result<TermDraft, FieldErrors> {
        let mut errors = FieldErrors::default();
        let name = name(&mut errors, "name", &self.name);
        let kind = choice(
            &mut errors,
            "kind",
            &self.kind,
            TermKind::parse,
            "a kind of term",
        );
        let mut required_date = |field: &str, raw: &str| {
            let value = date(&mut errors, field, raw);
            if value.is_none() && errors.get(field).is_none() {
                errors.add(field, "Enter a date like 2027-08-25");
            }
            value
        };
        let starts_on = required_date("starts_on", &self.starts_on);
        let ends_on = required_date("ends_on", &self.ends_on);
        if let (Some(s), Some(e)) = (starts_on, ends_on)
            && e < s
        {
            errors.add("ends_on", "The term must end after it starts");
        }
        let rules = self.rules(&mut errors);
        let district_lines = district_lines(&mut errors, "district_limits", &self.district_limits);
        errors.finish(|| TermDraft {
            district_lines,
            name,
            kind: kind.unwrap_or(TermKind::StudentTeaching),
            starts_on: starts_on.unwrap_or(Date::MIN),
            ends_on: ends_on.unwrap_or(Date::MIN),
            rules,
        })
    }

    fn rules(&self, errors: &mut FieldErrors) -> RunRules {
        let defaults = RunRules::default();
        let km = decimal(errors, "max_travel_km", &self.max_travel_km);
        if km.is_some_and(|km| !(1.0..=500.0).contains(&km)) {
            errors.add("max_travel_km", "Enter a travel limit from 1 to 500 km");
        }
        let mut whole = |field: &str, raw: &str, max: i64, default: i64| {
            if raw.trim().is_empty() {
                return default;
            }
            match raw.trim().parse::<i64>() {
                Ok(v) if (0..=max).contains(&v) => v,
                _ => {
                    errors.add(field, format!("Enter a whole number from 0 to {max}"));
                    default
                }
            }
        };
        let weight = tandem_matching::MAX_WEIGHT;
        RunRules {
            max_travel_km: km.unwrap_or(defaults.max_travel_km),
            high_needs_min: whole("high_needs_min", &self.high_needs_min, 100_000, 0) as u32,
            travel_per_km: whole(
                "travel_per_km",
                &self.travel_per_km,
                weight,
                defaults.travel_per_km,
            ),
            preference_rank: whole(
                "preference_rank",
                &self.preference_rank,
                weight,
                defaults.preference_rank,
            ),
            mentor_quality: whole(
                "mentor_quality",
                &self.mentor_quality,
                weight,
                defaults.mentor_quality,
            ),
            high_needs_priority: whole(
                "high_needs_priority",
                &self.high_needs_priority,
                weight,
                defaults.high_needs_priority,
            ),
            moved: whole("moved", &self.moved, weight, defaults.moved),
            cohort: whole("cohort", &self.cohort, weight, defaults.cohort),
            districts: Vec::new(),
            high_needs_percent: optional_whole(
                errors,
                "high_needs_percent",
                self.high_needs_percent.trim().trim_end_matches('%'),
                0..=100,
                "Enter a whole percentage from 0 to 100, or leave it blank",
            ),
            cohort_max: optional_whole(
                errors,
                "cohort_max",
                &self.cohort_max,
                1..=1000,
                "Enter a whole number from 1 to 1000, or leave it blank for no limit",
            ),
        }
    }
}

/// Parses licensure areas and grade bands chosen on a form.
fn areas_and_bands(
    errors: &mut FieldErrors,
    areas: &[String],
    bands: &[String],
) -> (Vec<LicensureArea>, Vec<GradeBand>) {
    let mut parsed_areas = Vec::new();
    for raw in areas.iter().filter(|a| !a.trim().is_empty()) {
        match LicensureArea::parse(raw) {
            Some(a) if !parsed_areas.contains(&a) => parsed_areas.push(a),
            Some(_) => {}
            None => errors.add("areas", format!("'{raw}' is not a licensure area")),
        }
    }
    let mut parsed_bands = Vec::new();
    for raw in bands.iter().filter(|b| !b.trim().is_empty()) {
        match GradeBand::parse(raw) {
            Some(b) if !parsed_bands.contains(&b) => parsed_bands.push(b),
            Some(_) => {}
            None => errors.add("bands", format!("'{raw}' is not a grade band")),
        }
    }
    parsed_areas.sort();
    parsed_bands.sort();
    (parsed_areas, parsed_bands)
}

pub fn bands_to_codes(bands: &[GradeBand]) -> String {
    bands.iter().map(|b| b.code()).collect::<Vec<_>>().join(",")
}

pub fn bands_from_codes(codes: &str) -> Vec<GradeBand> {
    codes.split(',').filter_map(GradeBand::parse).collect()
}

/// A school's answer for a term: how many candidates it can host, in which areas and bands
/// (none named: any), or why it cannot.
#[derive(Debug, Clone, PartialEq)]
pub struct HostingDraft {
    pub slots: u32,
    pub areas: Vec<LicensureArea>,
    pub bands: Vec<GradeBand>,
    pub reason: String,
    /// Who answered, as they gave their name (a one-time link has no account).
    pub answered_by: String,
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct HostingFields {
    /// "yes" or "no".
    pub hosts: String,
    pub slots: String,
    pub areas: Vec<String>,
    pub bands: Vec<String>,
    /// Why the school cannot host (required when it cannot).
    pub reason: String,
    /// Only asked on a one-time link.
    pub answered_by: String,
}

impl HostingFields {
    pub fn parse(&self, signed_in_as: Option<&str>) -> Result<HostingDraft, FieldErrors> {
        let mut errors = FieldErrors::default();
        let (areas, bands) = areas_and_bands(&mut errors, &self.areas, &self.bands);
        let reason = long_text(&mut errors, "reason", &self.reason, 1_000);
        let slots = match self.hosts.as_str() {
            "yes" => match self.slots.trim().parse::<u32>() {
                Ok(n @ 1..=100) => n,
                _ => {
                    errors.add("slots", "Enter how many candidates, from 1 to 100");
                    0
                }
            },
            "no" => {
                if reason.is_empty() {
                    errors.add("reason", "Say why the school cannot host this term");
                }
                0
            }
            _ => {
                errors.add(
                    "hosts",
                    "Say whether the school can host this term: yes or no",
                );
                0
            }
        };
        let answered_by = match signed_in_as {
            Some(person) => person.to_owned(),
            None => name(&mut errors, "answered_by", &self.answered_by),
        };
        errors.finish(|| HostingDraft {
            slots,
            areas,
            bands,
            reason,
            answered_by,
        })
    }
}

/// Mentor eligibility as a partnership agreed it; each clause is optional.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct EligibilityRules {
    pub min_years: Option<u32>,
    /// Mentor training completed (and not expired) within this many years.
    pub training_within_years: Option<u32>,
    /// Evidence of effectiveness dated within this many years.
    pub evidence_within_years: Option<u32>,
}

/// What eligibility is judged on.
#[derive(Debug, Clone, PartialEq)]
pub struct MentorFacts {
    pub years_experience: u32,
    pub evidence_on: Option<Date>,
    /// The latest completion of a mentor training that has not expired.
    pub trained_on: Option<Date>,
    pub willing: bool,
}

fn years_before(today: Date, years: u32) -> Date {
    let year = today.year() - years as i32;
    Date::from_calendar_date(year, today.month(), today.day().min(28)).unwrap_or(Date::MIN)
}

impl EligibilityRules {
    /// Why a mentor is not eligible; empty when they are.
    pub fn why_not(&self, facts: &MentorFacts, today: Date) -> Vec<String> {
        let mut reasons = Vec::new();
        if !facts.willing {
            reasons.push("has not said they are willing to mentor".to_owned());
        }
        if let Some(min) = self.min_years
            && facts.years_experience < min
        {
            reasons.push(format!(
                "has {} years of experience; the partnership asks for at least {min}",
                facts.years_experience
            ));
        }
        if let Some(years) = self.training_within_years
            && facts
                .trained_on
                .is_none_or(|d| d < years_before(today, years))
        {
            reasons.push(format!(
                "has no mentor training completed within the last {years} years"
            ));
        }
        if let Some(years) = self.evidence_within_years
            && facts
                .evidence_on
                .is_none_or(|d| d < years_before(today, years))
        {
            reasons.push(format!(
                "has no evidence of effectiveness from the last {years} years"
            ));
        }
        reasons
    }

    /// The rules in words, for the pages.
    pub fn describe(&self) -> String {
        let mut clauses = vec!["willing to mentor".to_owned()];
        if let Some(n) = self.min_years {
            clauses.push(format!("at least {n} years of experience"));
        }
        if let Some(n) = self.training_within_years {
            clauses.push(format!("mentor training completed within {n} years"));
        }
        if let Some(n) = self.evidence_within_years {
            clauses.push(format!("evidence of effectiveness from the last {n} years"));
        }
        clauses.join(" AND ")
    }
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct EligibilityFields {
    pub min_years: String,
    pub training_within_years: String,
    pub evidence_within_years: String,
}

impl EligibilityFields {
    pub fn from_rules(rules: &EligibilityRules) -> EligibilityFields {
        let text = |v: Option<u32>| v.map(|v| v.to_string()).unwrap_or_default();
        EligibilityFields {
            min_years: text(rules.min_years),
            training_within_years: text(rules.training_within_years),
            evidence_within_years: text(rules.evidence_within_years),
        }
    }

    pub fn parse(&self) -> Result<EligibilityRules, FieldErrors> {
        let mut errors = FieldErrors::default();
        let mut clause = |field: &str, raw: &str| {
            let problem = "Enter a whole number of years from 0 to 40, or leave it empty";
            optional_whole(&mut errors, field, raw, 0..=40, problem)
        };
        let rules = EligibilityRules {
            min_years: clause("min_years", &self.min_years),
            training_within_years: clause("training_within_years", &self.training_within_years),
            evidence_within_years: clause("evidence_within_years", &self.evidence_within_years),
        };
        errors.finish(|| rules)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct MentorDraft {
    pub person_id: i64,
    pub school_id: i64,
    pub areas: Vec<LicensureArea>,
    pub bands: Vec<GradeBand>,
    pub years_experience: u32,
    pub evidence_source: String,
    pub evidence_on: Option<Date>,
    pub willing: bool,
}

/// Raw fields of a mentor's profile.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct MentorFields {
    pub person_id: String,
    pub school_id: String,
    pub areas: Vec<String>,
    pub bands: Vec<String>,
    pub years_experience: String,
    /// Where the evidence of effectiveness comes from (an observation cycle, student growth…).
    pub evidence_source: String,
    /// YYYY-MM-DD.
    pub evidence_on: String,
    /// "yes" when the teacher is willing to mentor.
    pub willing: String,
}

impl MentorFields {
    pub fn parse(&self) -> Result<MentorDraft, FieldErrors> {
        let mut errors = FieldErrors::default();
        let person_id = crate::input::id(&mut errors, "person_id", &self.person_id, "a teacher");
        let school_id = crate::input::id(&mut errors, "school_id", &self.school_id, "a school");
        let (areas, bands) = areas_and_bands(&mut errors, &self.areas, &self.bands);
        if areas.is_empty() && errors.get("areas").is_none() {
            errors.add("areas", "Select the areas the teacher is certified in");
        }
        if bands.is_empty() && errors.get("bands").is_none() {
            errors.add("bands", "Select the grade bands the teacher teaches");
        }
        let years = match self.years_experience.trim().parse::<u32>() {
            Ok(y) if y <= 60 => y,
            _ => {
                errors.add(
                    "years_experience",
                    "Enter whole years of teaching, from 0 to 60",
                );
                0
            }
        };
        let evidence_source = long_text(&mut errors, "evidence_source", &self.evidence_source, 300);
        let evidence_on = date(&mut errors, "evidence_on", &self.evidence_on);
        if evidence_on.is_some() == evidence_source.is_empty()
            && errors.get("evidence_on").is_none()
        {
            errors.add(
                "evidence_on",
                "Give both where the evidence of effectiveness comes from and its date, or neither",
            );
        }
        errors.finish(|| MentorDraft {
            person_id: person_id.unwrap_or(0),
            school_id: school_id.unwrap_or(0),
            areas,
            bands,
            years_experience: years,
            evidence_source,
            evidence_on,
            willing: self.willing == "yes",
        })
    }
}

/// A mentor's capacity for a term (0: not available).
pub fn capacity(raw: &str) -> Result<u32, FieldErrors> {
    match raw.trim().parse::<u32>() {
        Ok(n @ 0..=4) => Ok(n),
        _ => Err(FieldErrors::single(
            "capacity",
            "Enter how many candidates this term, from 0 (not available) to 4",
        )),
    }
}

/// Where a candidate lives: a ZIP code (placed at the middle of its schools) or coordinates.
#[derive(Debug, Clone, PartialEq)]
pub enum Home {
    Zip(String),
    At { zip: String, lat: f64, lon: f64 },
}

#[derive(Debug, Clone, PartialEq)]
pub struct CandidateDraft {
    pub name: String,
    pub email: String,
    /// A program of the term's provider, by id (forms) or by name (CSV).
    pub program: String,
    pub area: LicensureArea,
    pub band: GradeBand,
    pub home: Home,
    /// School or district NCES ids or Tandem ids, most wanted first.
    pub preferences: Vec<String>,
    pub conflicts: Vec<String>,
    pub accommodations: String,
}

/// One entry of a candidate's ranked preferences, by Tandem id: a school, or any school of a
/// district. (In JSON a school is its bare id, as before districts could be named.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum Preferred {
    School(i64),
    District { district: i64 },
}

impl Preferred {
    /// A stored list: ids separated by commas, a district's marked `d` (`12,d4`).
    pub fn list(text: &str) -> Vec<Preferred> {
        text.split(',')
            .filter_map(|v| v.trim().parse().ok())
            .collect()
    }

    pub fn list_text(list: &[Preferred]) -> String {
        list.iter()
            .map(Preferred::to_string)
            .collect::<Vec<_>>()
            .join(",")
    }

    pub fn school(self) -> Option<i64> {
        match self {
            Preferred::School(id) => Some(id),
            Preferred::District { .. } => None,
        }
    }
}

impl std::fmt::Display for Preferred {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Preferred::School(id) => write!(f, "{id}"),
            Preferred::District { district } => write!(f, "d{district}"),
        }
    }
}

impl std::str::FromStr for Preferred {
    type Err = std::num::ParseIntError;

    fn from_str(text: &str) -> Result<Preferred, Self::Err> {
        match text.strip_prefix('d') {
            Some(district) => district
                .parse()
                .map(|district| Preferred::District { district }),
            None => text.parse().map(Preferred::School),
        }
    }
}

/// Raw fields of a candidate, from a form or one CSV row.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct CandidateFields {
    pub name: String,
    pub email: String,
    pub program: String,
    pub area: String,
    pub band: String,
    pub zip: String,
    pub lat: String,
    pub lon: String,
    /// Schools or districts, most wanted first: NCES ids (or Tandem ids, a district's as
    /// `d` and its id) separated by ';'.
    pub preferences: String,
    /// Schools the candidate must not be placed in (a former school, a relative works there).
    pub conflicts: String,
    pub accommodations: String,
}

/// The items of a list cell or field, separated by ';' or ','.
fn items(raw: &str) -> Vec<String> {
    raw.split([';', ','])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

impl CandidateFields {
    pub fn parse(&self) -> Result<CandidateDraft, FieldErrors> {
        let mut errors = FieldErrors::default();
        let name = name(&mut errors, "name", &self.name);
        let email = email(&mut errors, "email", &self.email);
        if self.program.trim().is_empty() {
            errors.add("program", "Select the candidate's program");
        }
        let area = choice(
            &mut errors,
            "area",
            &self.area,
            LicensureArea::parse,
            "an area",
        );
        let band = choice(
            &mut errors,
            "band",
            &self.band,
            GradeBand::parse,
            "a grade band",
        );
        let home = home(
            &mut errors,
            [&self.zip, &self.lat, &self.lon],
            "Enter the candidate's home ZIP code (or latitude and longitude)",
        );
        let preferences = items(&self.preferences);
        if preferences.len() > 10 {
            errors.add("preferences", "Name at most 10 schools or districts");
        }
        let accommodations = long_text(&mut errors, "accommodations", &self.accommodations, 1_000);
        errors.finish(|| CandidateDraft {
            name,
            email,
            program: self.program.trim().to_owned(),
            area: area.unwrap_or(LicensureArea::Elementary),
            band: band.unwrap_or(GradeBand::Elementary),
            home,
            preferences,
            conflicts: items(&self.conflicts),
            accommodations,
        })
    }
}

/// A place from a ZIP code or coordinates (`[zip, lat, lon]` as typed); `missing` is said
/// when neither is given.
fn home(errors: &mut FieldErrors, [zip_raw, lat, lon]: [&str; 3], missing: &str) -> Home {
    let zip = zip(errors, "zip", Some(zip_raw)).unwrap_or_default();
    let lat = decimal(errors, "lat", lat);
    let lon = decimal(errors, "lon", lon);
    match (lat, lon) {
        (Some(lat), Some(lon))
            if (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon) =>
        {
            Home::At {
                zip: zip.clone(),
                lat,
                lon,
            }
        }
        (None, None) if !zip.is_empty() => Home::Zip(zip.clone()),
        (None, None) => {
            errors.add("zip", missing);
            Home::Zip(String::new())
        }
        _ => {
            errors.add(
                "lat",
                "Enter both latitude (−90 to 90) and longitude (−180 to 180)",
            );
            Home::Zip(zip.clone())
        }
    }
}

/// Where a program supervisor sets out from to visit placements, from a form.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct BaseFields {
    /// The supervisor (a person id).
    pub supervisor_id: String,
    pub zip: String,
    pub lat: String,
    pub lon: String,
}

impl BaseFields {
    pub fn parse(&self) -> Result<(i64, Home), FieldErrors> {
        let mut errors = FieldErrors::default();
        let supervisor = self.supervisor_id.trim().parse::<i64>().ok();
        if supervisor.is_none() {
            errors.add("supervisor_id", "Select a supervisor");
        }
        let home = home(
            &mut errors,
            [&self.zip, &self.lat, &self.lon],
            "Enter the ZIP code the supervisor sets out from (or latitude and longitude)",
        );
        errors.finish(|| (supervisor.unwrap_or_default(), home))
    }
}

/// Reads a candidates CSV: a header row naming the fields of [`CandidateFields`] (any order;
/// `name`, `email`, `program`, `area`, `band` and `zip` or `lat`/`lon` needed). Every row is
/// checked; the first problems come back with their line and field, and nothing is kept.
pub fn read_candidates(
    reader: impl std::io::Read,
) -> Result<Vec<(u64, CandidateDraft)>, Vec<RowError>> {
    let mut seen = std::collections::HashMap::new();
    read_rows(
        reader,
        &["name", "email", "program", "area", "band"],
        |line, get| {
            let draft = CandidateFields {
                name: get("name"),
                email: get("email"),
                program: get("program"),
                area: get("area"),
                band: get("band"),
                zip: get("zip"),
                lat: get("lat"),
                lon: get("lon"),
                preferences: get("preferences"),
                conflicts: get("conflicts"),
                accommodations: get("accommodations"),
            }
            .parse()?;
            if let Some(first) = seen.insert(draft.email.clone(), line) {
                return Err(FieldErrors::single(
                    "email",
                    format!(
                        "{} is already on line {first}: each candidate once",
                        draft.email
                    ),
                ));
            }
            Ok(draft)
        },
    )
}

/// One row of a hosting-answers CSV: the school by NCES or Tandem id (looked up by the caller)
/// and its answer.
#[derive(Debug, Clone, PartialEq)]
pub struct HostingLine {
    pub school: String,
    pub draft: HostingDraft,
}

/// Reads a CSV of schools' hosting answers: `school` (NCES or Tandem id) and `hosts` (yes or
/// no), then as the form asks `slots`, `areas` and `bands` (codes separated by ';') or a
/// `reason`. Each school once; who answered is whoever imports the file.
pub fn read_hosting(reader: impl std::io::Read) -> Result<Vec<(u64, HostingLine)>, Vec<RowError>> {
    let mut seen = std::collections::HashMap::new();
    read_rows(reader, &["school", "hosts"], |line, get| {
        let school = get("school").trim().to_owned();
        if school.is_empty() {
            return Err(FieldErrors::single("school", "Give the school's NCES id"));
        }
        let parsed = HostingFields {
            hosts: get("hosts").trim().to_lowercase(),
            slots: get("slots"),
            areas: items(&get("areas")),
            bands: items(&get("bands")),
            reason: get("reason"),
            answered_by: String::new(),
        }
        .parse(Some(""));
        let mut errors = parsed.as_ref().err().cloned().unwrap_or_default();
        if let Some(first) = seen.insert(school.clone(), line) {
            errors.add(
                "school",
                format!("{school} is already on line {first}: each school once"),
            );
        }
        match parsed {
            Ok(draft) if errors.is_empty() => Ok(HostingLine { school, draft }),
            _ => Err(errors),
        }
    })
}

/// One row of a mentor-profiles CSV: the teacher by e-mail and the school by NCES or Tandem
/// id (both looked up by the caller, which fills in the draft's ids), the profile as the form
/// asks it, and optionally the teacher's capacity this term.
#[derive(Debug, Clone, PartialEq)]
pub struct MentorRow {
    pub email: String,
    pub school: String,
    pub draft: MentorDraft,
    pub capacity: Option<u32>,
}

/// Reads a CSV of mentor profiles: `email`, `school`, `areas` and `bands` (codes separated by
/// ';'), `years_experience`, and optionally `evidence_source` with `evidence_on`, `willing`
/// (yes or no) and `capacity`. Each teacher once.
pub fn read_mentors(reader: impl std::io::Read) -> Result<Vec<(u64, MentorRow)>, Vec<RowError>> {
    let mut seen = std::collections::HashMap::new();
    let needed = ["email", "school", "areas", "bands", "years_experience"];
    read_rows(reader, &needed, |line, get| {
        let mut errors = FieldErrors::default();
        let email = email(&mut errors, "email", &get("email"));
        let school = get("school").trim().to_owned();
        if school.is_empty() {
            errors.add("school", "Give the school's NCES id");
        }
        let capacity = match get("capacity").trim() {
            "" => None,
            raw => capacity(raw).map_err(|e| errors.0.extend(e.0)).ok(),
        };
        // The ids are looked up by the caller: any valid one passes here.
        let parsed = MentorFields {
            person_id: "1".into(),
            school_id: "1".into(),
            areas: items(&get("areas")),
            bands: items(&get("bands")),
            years_experience: get("years_experience"),
            evidence_source: get("evidence_source"),
            evidence_on: get("evidence_on"),
            willing: get("willing").trim().to_lowercase(),
        }
        .parse();
        if let Err(e) = &parsed {
            errors.0.extend(e.0.iter().cloned());
        }
        if let Some(first) = seen.insert(email.clone(), line) {
            errors.add(
                "email",
                format!("{email} is already on line {first}: each teacher once"),
            );
        }
        match parsed {
            Ok(draft) if errors.is_empty() => Ok(MentorRow {
                email,
                school,
                draft,
                capacity,
            }),
            _ => Err(errors),
        }
    })
}

/// One row of a training-completions CSV.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompletionRow {
    pub email: String,
    /// The module's title, as the partnership names it.
    pub module: String,
    pub completed_on: Date,
}

/// Reads a training-completions CSV with the columns `email`, `module` (its title) and
/// `completed_on` (YYYY-MM-DD, not after `today`), checked like [`read_candidates`].
pub fn read_completions(
    reader: impl std::io::Read,
    today: Date,
) -> Result<Vec<(u64, CompletionRow)>, Vec<RowError>> {
    read_rows(reader, &["email", "module", "completed_on"], |_, get| {
        let mut errors = FieldErrors::default();
        let email = email(&mut errors, "email", &get("email"));
        let module = get("module").trim().to_owned();
        if module.is_empty() {
            errors.add("module", "Give the module's title");
        }
        let on = completed_on(&mut errors, &get("completed_on"), today);
        errors.finish(|| CompletionRow {
            email,
            module,
            completed_on: on.unwrap_or(Date::MIN),
        })
    })
}

/// Reads a CSV whose header names at least `needed`, parsing each row with `parse` (given the
/// row's line and its fields by header name). Every row is checked and the first twenty
/// problems come back, each with its line and field.
fn read_rows<T>(
    reader: impl std::io::Read,
    needed: &[&str],
    mut parse: impl FnMut(u64, &dyn Fn(&str) -> String) -> Result<T, FieldErrors>,
) -> Result<Vec<(u64, T)>, Vec<RowError>> {
    let mut csv = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(reader);
    let problem = |line: u64, field: &str, problem: String| RowError {
        line,
        field: field.to_owned(),
        problem,
    };
    let headers = match csv.headers() {
        Ok(h) => h.clone(),
        Err(e) => return Err(vec![problem(1, "header", e.to_string())]),
    };
    for needed in needed {
        if !headers.iter().any(|h| h.trim() == *needed) {
            return Err(vec![problem(
                1,
                needed,
                format!("the header has no '{needed}' column"),
            )]);
        }
    }
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    for (i, record) in csv.records().enumerate() {
        let line = i as u64 + 2;
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                errors.push(problem(line, "row", e.to_string()));
                continue;
            }
        };
        let get = |field: &str| {
            headers
                .iter()
                .position(|h| h.trim() == field)
                .and_then(|i| record.get(i))
                .unwrap_or("")
                .to_owned()
        };
        match parse(line, &get) {
            Ok(row) => rows.push((line, row)),
            Err(field_errors) => errors.extend(
                field_errors
                    .0
                    .into_iter()
                    .map(|e| problem(line, &e.field, e.message)),
            ),
        }
        if errors.len() >= 20 {
            break;
        }
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(errors)
    }
}

/// A decline needs a reason, so the coordinator knows what to change.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct DeclineFields {
    pub reason: String,
}

impl DeclineFields {
    pub fn parse(&self) -> Result<String, FieldErrors> {
        let mut errors = FieldErrors::default();
        let reason = long_text(&mut errors, "reason", &self.reason, 1_000);
        if reason.is_empty() {
            errors.add("reason", "Say why, so the coordinator knows what to change");
        }
        errors.finish(|| reason)
    }
}

vocabulary! {
    /// Who a training module is for.
    Audience {
        Mentors = "mentors", "Mentor teachers";
        Supervisors = "supervisors", "Program supervisors";
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ModuleDraft {
    pub org_id: i64,
    pub title: String,
    pub audience: Audience,
    pub hours: f64,
    pub valid_months: u32,
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ModuleFields {
    pub org_id: String,
    pub title: String,
    pub audience: String,
    pub hours: String,
    /// How long a completion counts, in months.
    pub valid_months: String,
}

impl ModuleFields {
    pub fn parse(&self) -> Result<ModuleDraft, FieldErrors> {
        let mut errors = FieldErrors::default();
        let org_id = crate::input::id(&mut errors, "org_id", &self.org_id, "an organization");
        let title = name(&mut errors, "title", &self.title);
        let audience = choice(
            &mut errors,
            "audience",
            &self.audience,
            Audience::parse,
            "who it is for",
        );
        let hours = decimal(&mut errors, "hours", &self.hours);
        if hours.is_none_or(|h| !(0.5..=200.0).contains(&h)) && errors.get("hours").is_none() {
            errors.add("hours", "Enter the hours, from 0.5 to 200");
        }
        let valid_months = match self.valid_months.trim().parse::<u32>() {
            Ok(m @ 1..=120) => m,
            _ => {
                errors.add(
                    "valid_months",
                    "Enter how many months a completion counts, 1 to 120",
                );
                0
            }
        };
        errors.finish(|| ModuleDraft {
            org_id: org_id.unwrap_or(0),
            title,
            audience: audience.unwrap_or(Audience::Mentors),
            hours: hours.unwrap_or(0.0),
            valid_months,
        })
    }
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct CompletionFields {
    pub person_ids: Vec<String>,
    /// YYYY-MM-DD.
    pub completed_on: String,
}

impl CompletionFields {
    pub fn parse(&self, today: Date) -> Result<(Vec<i64>, Date), FieldErrors> {
        let mut errors = FieldErrors::default();
        let people = ids(&mut errors, "person_ids", &self.person_ids, "people");
        if people.is_empty() && errors.get("person_ids").is_none() {
            errors.add("person_ids", "Select who completed the module");
        }
        let on = completed_on(&mut errors, &self.completed_on, today);
        errors.finish(|| (people, on.unwrap_or(Date::MIN)))
    }
}

/// A completion's date: given, real, and not after `today`.
fn completed_on(errors: &mut FieldErrors, raw: &str, today: Date) -> Option<Date> {
    let on = date(errors, "completed_on", raw);
    match on {
        None if errors.get("completed_on").is_none() => {
            errors.add("completed_on", "Enter the date it was completed")
        }
        Some(d) if d > today => errors.add("completed_on", "A completion cannot be in the future"),
        _ => {}
    }
    on
}

/// The last day a completion counts.
pub fn expires_on(completed_on: Date, valid_months: u32) -> Date {
    let months = completed_on.month() as u32 - 1 + valid_months;
    let year = completed_on.year() + (months / 12) as i32;
    let month = time::Month::try_from((months % 12) as u8 + 1).unwrap_or(time::Month::December);
    Date::from_calendar_date(year, month, completed_on.day().min(28)).unwrap_or(Date::MAX)
}

// ---- a match run: what the engine is given, and what comes back ----

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunCandidate {
    pub id: i64,
    pub name: String,
    pub area: LicensureArea,
    pub band: GradeBand,
    pub lat: f64,
    pub lon: f64,
    /// Schools or districts, most wanted first.
    pub preferences: Vec<Preferred>,
    /// Schools excluded: declared conflicts and schools whose district declined the candidate.
    pub conflicts: Vec<i64>,
    /// Mentors who declined the candidate (their schools stay open with other mentors).
    #[serde(default)]
    pub declined_by_mentors: Vec<i64>,
    /// The candidate's program (for the cohort size limit).
    #[serde(default)]
    pub program_id: i64,
    /// The school the term's current proposal places the candidate in, if any.
    #[serde(default)]
    pub previous_school: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunMentor {
    pub id: i64,
    pub name: String,
    pub school_id: i64,
    pub areas: Vec<LicensureArea>,
    pub bands: Vec<GradeBand>,
    pub capacity: u32,
    pub eligible: bool,
    /// 0–100, from years of experience and recent evidence of effectiveness.
    pub quality: u8,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunSchool {
    pub id: i64,
    pub name: String,
    pub district_id: i64,
    pub lat: f64,
    pub lon: f64,
    /// Candidates the school said it can host (0: not hosting or no answer).
    pub cap: u32,
    pub high_needs: bool,
}

/// Everything a run was given: stored with it, so a result can always be explained.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunInputs {
    pub rules: RunRules,
    pub candidates: Vec<RunCandidate>,
    pub mentors: Vec<RunMentor>,
    pub schools: Vec<RunSchool>,
    /// (candidate id, mentor id) kept from before the run.
    pub locks: Vec<(i64, i64)>,
}

/// A mentor's quality for the cost: experience counts up to 10 years, and recent evidence of
/// effectiveness adds the rest.
pub fn quality(years_experience: u32, recent_evidence: bool) -> u8 {
    (years_experience.min(10) * 6 + if recent_evidence { 40 } else { 0 }) as u8
}

/// One candidate's outcome: placed with a mentor (and why it costs what it costs), or unplaced
/// with what would fix it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RunResult {
    pub candidate_id: i64,
    pub mentor_id: Option<i64>,
    pub school_id: Option<i64>,
    pub km: Option<f64>,
    pub locked: bool,
    /// The cost breakdown ("travel 120, preference 40, …") or why the candidate is unplaced.
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DistrictOutcome {
    pub name: String,
    pub placed: u32,
    pub min: u32,
    pub max: Option<u32>,
    /// How far the minimum is from being met (0 when met).
    pub short: u32,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RunSummary {
    pub candidates: u32,
    pub placed: u32,
    pub unplaced: u32,
    pub high_needs_placed: u32,
    /// How far the high-needs minimum is from being met (0 when met).
    pub high_needs_short: u32,
    pub average_km: f64,
    /// Placements in each limited district, in the order of the rules.
    #[serde(default)]
    pub districts: Vec<DistrictOutcome>,
    /// The run's cohort size limit: at most this many of a program in a school.
    #[serde(default)]
    pub cohort_max: Option<u32>,
    pub objective: i64,
    /// Proven lower bound on the cost of placing as many (`i64::MIN` when none is proven):
    /// equal to the objective when the result is optimal.
    pub bound: i64,
    /// How many more candidates another answer might place (0: proven none can).
    #[serde(default)]
    pub may_place_more: u32,
    pub millis: u64,
}

impl RunSummary {
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    pub fn from_json(text: &str) -> RunSummary {
        serde_json::from_str(text).unwrap_or_default()
    }

    /// How near the best the run's answer is proven to be, as the run page says it.
    pub fn optimality(&self) -> String {
        if self.bound == i64::MIN {
            "no bound proven".into()
        } else if self.may_place_more > 0 {
            // The cost bound then holds only for answers placing as few: not worth a figure.
            let n = self.may_place_more;
            let them = if n == 1 { "candidate" } else { "candidates" };
            format!("up to {n} more {them} might be placed; not proven either way")
        } else if self.objective <= self.bound {
            "proven optimal".into()
        } else {
            format!(
                "within {} of optimal",
                self.objective.saturating_sub(self.bound)
            )
        }
    }

    pub fn high_needs_share(&self) -> f64 {
        if self.placed == 0 {
            0.0
        } else {
            100.0 * self.high_needs_placed as f64 / self.placed as f64
        }
    }
}

/// Rules that contradict the places on offer, said before any solving.
pub fn contradictions(inputs: &RunInputs) -> Vec<String> {
    let rules = &inputs.rules;
    let mut problems = Vec::new();
    // What a school can host: its answer, up to its eligible mentors' capacity.
    let hosted = |s: &RunSchool| {
        let mentors: u32 = (inputs.mentors.iter())
            .filter(|m| m.school_id == s.id && m.eligible)
            .map(|m| m.capacity)
            .sum();
        mentors.min(s.cap)
    };
    let offered: u32 = (inputs.schools.iter())
        .filter(|s| s.high_needs)
        .map(hosted)
        .sum();
    if rules.high_needs_min > offered {
        problems.push(format!(
            "The high-needs minimum ({}) is more than high-needs schools can host with eligible mentors ({offered}): lower it to {offered} or less, or ask more high-needs schools to host",
            rules.high_needs_min
        ));
    }
    for rule in &rules.districts {
        let offered: u32 = (inputs.schools.iter())
            .filter(|s| s.district_id == rule.district_id)
            .map(&hosted)
            .sum();
        if rule.min > offered {
            problems.push(format!(
                "The minimum for {} ({}) is more than its schools can host with eligible mentors ({offered}): lower it to {offered} or less, or ask more of its schools to host",
                rule.name, rule.min
            ));
        }
    }
    let minimums: u32 = rules.districts.iter().map(|d| d.min).sum();
    if minimums as usize > inputs.candidates.len() {
        problems.push(format!(
            "The district minimums add up to {minimums}, more than the term's {} candidates",
            inputs.candidates.len()
        ));
    }
    if rules.high_needs_min as usize > inputs.candidates.len() {
        problems.push(format!(
            "The high-needs minimum ({}) is more than the term's {} candidates",
            rules.high_needs_min,
            inputs.candidates.len()
        ));
    }
    problems
}

/// Runs the engine on `inputs`.
pub fn run(inputs: &RunInputs) -> Result<(Vec<RunResult>, RunSummary), String> {
    use tandem_matching as m;
    let started = std::time::Instant::now();
    let problems = contradictions(inputs);
    if !problems.is_empty() {
        return Err(problems.join("; "));
    }
    let school_index: std::collections::HashMap<i64, u32> = inputs
        .schools
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id, i as u32))
        .collect();
    // Districts by index, in the order their first school comes.
    let mut districts = std::collections::HashMap::new();
    for school in &inputs.schools {
        let next = districts.len() as u32;
        districts.entry(school.district_id).or_insert(next);
    }
    let preferred = |list: &[Preferred]| {
        (list.iter())
            .filter_map(|p| match *p {
                Preferred::School(id) => school_index.get(&id).copied().map(m::Preference::School),
                // (A district without a school in the run still holds its rank.)
                Preferred::District { district } => Some(m::Preference::District(
                    districts.get(&district).copied().unwrap_or(u32::MAX),
                )),
            })
            .collect()
    };
    let area_index =
        |a: LicensureArea| LicensureArea::ALL.iter().position(|x| *x == a).unwrap_or(0) as u8;
    let band_index = |b: GradeBand| GradeBand::ALL.iter().position(|x| *x == b).unwrap_or(0) as u8;
    let schools_of = |ids: &[i64]| {
        ids.iter()
            .filter_map(|id| school_index.get(id).copied())
            .collect()
    };
    // Mentors without a school in the run are left out of the instance: index the rest.
    let mentor_ids: Vec<&RunMentor> = inputs
        .mentors
        .iter()
        .filter(|mentor| school_index.contains_key(&mentor.school_id))
        .collect();
    let mentor_at: std::collections::HashMap<i64, u32> = mentor_ids
        .iter()
        .enumerate()
        .map(|(i, m)| (m.id, i as u32))
        .collect();
    let mut programs: Vec<i64> = inputs.candidates.iter().map(|c| c.program_id).collect();
    programs.sort_unstable();
    programs.dedup();
    let instance = m::Instance {
        candidates: inputs
            .candidates
            .iter()
            .map(|c| m::Candidate {
                program: programs.binary_search(&c.program_id).unwrap_or(0) as u32,
                area: area_index(c.area),
                band: band_index(c.band),
                lat: c.lat,
                lon: c.lon,
                preferences: preferred(&c.preferences),
                allowed_districts: None,
                conflicts: schools_of(&c.conflicts),
                excluded_mentors: (c.declined_by_mentors.iter())
                    .filter_map(|id| mentor_at.get(id).copied())
                    .collect(),
                previous: c
                    .previous_school
                    .and_then(|id| school_index.get(&id).copied()),
            })
            .collect(),
        mentors: inputs
            .mentors
            .iter()
            .filter_map(|mentor| {
                Some(m::Mentor {
                    school: *school_index.get(&mentor.school_id)?,
                    areas: m::Areas::of(
                        &mentor
                            .areas
                            .iter()
                            .map(|a| area_index(*a))
                            .collect::<Vec<_>>(),
                    ),
                    bands: m::Bands::of(
                        &mentor
                            .bands
                            .iter()
                            .map(|b| band_index(*b))
                            .collect::<Vec<_>>(),
                    ),
                    capacity: mentor.capacity,
                    eligible: mentor.eligible,
                    quality: mentor.quality.min(100),
                })
            })
            .collect(),
        schools: inputs
            .schools
            .iter()
            .map(|s| m::School {
                district: districts[&s.district_id],
                lat: s.lat,
                lon: s.lon,
                cap: s.cap,
                high_needs: s.high_needs,
            })
            .collect(),
    };
    let candidate_at: std::collections::HashMap<i64, u32> = inputs
        .candidates
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id, i as u32))
        .collect();
    let locks = inputs
        .locks
        .iter()
        .filter_map(|(c, m)| Some((*candidate_at.get(c)?, *mentor_at.get(m)?)))
        .collect();
    let r = &inputs.rules;
    let rules = m::Rules {
        max_travel_km: r.max_travel_km,
        weights: m::Weights {
            travel_per_km: r.travel_per_km,
            preference_rank: r.preference_rank,
            mentor_quality: r.mentor_quality,
            high_needs_priority: r.high_needs_priority,
            moved: r.moved,
            cohort: r.cohort,
        },
        locks,
        high_needs_min: r.high_needs_min,
        high_needs_percent: r.high_needs_percent,
        program_school_cap: r.cohort_max,
        // A district with no school in the run still gets its limit (under an index no school
        // has), so a minimum there is reported short.
        districts: (r.districts.iter())
            .map(|d| {
                let next = districts.len() as u32;
                m::DistrictLimit {
                    district: *districts.entry(d.district_id).or_insert(next),
                    min: d.min,
                    max: d.max.unwrap_or(u32::MAX),
                }
            })
            .collect(),
    };
    let solution = m::solve(&instance, &rules).map_err(|e| e.to_string())?;
    let mut results = Vec::with_capacity(inputs.candidates.len());
    let mut km_total = 0.0;
    for p in &solution.placements {
        let mentor = mentor_ids[p.mentor as usize];
        km_total += p.km;
        results.push(RunResult {
            candidate_id: inputs.candidates[p.candidate as usize].id,
            mentor_id: Some(mentor.id),
            school_id: Some(mentor.school_id),
            km: Some((p.km * 10.0).round() / 10.0),
            locked: p.locked,
            detail: format!(
                "cost {}: travel {}, preference {}, mentor quality {}, high-needs {}{}{}",
                p.cost.total(),
                p.cost.travel,
                p.cost.preference,
                p.cost.mentor_quality,
                p.cost.high_needs,
                match p.cost.moved {
                    0 => String::new(),
                    moved => format!(", moved {moved}"),
                },
                match p.cost.cohort {
                    0 => String::new(),
                    cohort => format!(", first of the program here {cohort}"),
                }
            ),
        });
    }
    for (c, why) in &solution.unplaced {
        let candidate = &inputs.candidates[*c as usize];
        results.push(RunResult {
            candidate_id: candidate.id,
            mentor_id: None,
            school_id: None,
            km: None,
            locked: false,
            detail: why.describe(
                &candidate.area.label().to_lowercase(),
                &candidate.band.label().to_lowercase(),
                r.max_travel_km,
            ),
        });
    }
    results.sort_by_key(|r| r.candidate_id);
    let placed = solution.placements.len() as u32;
    let summary = RunSummary {
        candidates: inputs.candidates.len() as u32,
        placed,
        unplaced: solution.unplaced.len() as u32,
        high_needs_placed: solution.high_needs_placed,
        high_needs_short: solution.high_needs_short,
        average_km: if placed == 0 {
            0.0
        } else {
            (km_total / placed as f64 * 10.0).round() / 10.0
        },
        districts: (r.districts.iter().zip(&solution.districts))
            .map(|(rule, outcome)| DistrictOutcome {
                name: rule.name.clone(),
                placed: outcome.placed,
                min: rule.min,
                max: rule.max,
                short: outcome.short,
            })
            .collect(),
        cohort_max: r.cohort_max,
        objective: solution.objective,
        bound: solution.bound,
        may_place_more: solution.may_place_more,
        millis: started.elapsed().as_millis() as u64,
    };
    Ok((results, summary))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> Date {
        Date::parse(
            text,
            time::macros::format_description!("[year]-[month]-[day]"),
        )
        .unwrap()
    }

    #[test]
    fn preferences_name_schools_or_districts_and_old_inputs_still_read() {
        let list = Preferred::list("12, d4,x,7");
        assert_eq!(
            list,
            [
                Preferred::School(12),
                Preferred::District { district: 4 },
                Preferred::School(7)
            ]
        );
        assert_eq!(Preferred::list_text(&list), "12,d4,7");
        // A run kept before districts could be named lists bare school ids.
        let json = serde_json::to_string(&list).unwrap();
        assert_eq!(json, r#"[12,{"district":4},7]"#);
        let old: Vec<Preferred> = serde_json::from_str("[12,7]").unwrap();
        assert_eq!(old, [Preferred::School(12), Preferred::School(7)]);
    }

    #[test]
    fn eligibility_names_every_unmet_clause() {
        let rules = EligibilityRules {
            min_years: Some(3),
            training_within_years: Some(2),
            evidence_within_years: Some(2),
        };
        let today = day("2027-06-01");
        let ok = MentorFacts {
            years_experience: 5,
            evidence_on: Some(day("2026-05-01")),
            trained_on: Some(day("2025-06-02")),
            willing: true,
        };
        assert!(rules.why_not(&ok, today).is_empty());
        let not = MentorFacts {
            years_experience: 2,
            evidence_on: Some(day("2024-01-01")),
            trained_on: None,
            willing: true,
        };
        let reasons = rules.why_not(&not, today);
        assert_eq!(reasons.len(), 3, "{reasons:?}");
        assert!(reasons[0].contains("2 years"));
        assert!(EligibilityRules::default().why_not(&not, today).is_empty());
    }

    #[test]
    fn hosting_needs_slots_or_a_reason() {
        let yes = HostingFields {
            hosts: "yes".into(),
            slots: "3".into(),
            ..Default::default()
        };
        assert_eq!(yes.parse(Some("Pat")).unwrap().slots, 3);
        let no = HostingFields {
            hosts: "no".into(),
            ..Default::default()
        };
        assert!(no.parse(Some("Pat")).unwrap_err().get("reason").is_some());
        let link = HostingFields {
            hosts: "yes".into(),
            slots: "2".into(),
            ..Default::default()
        };
        assert!(link.parse(None).unwrap_err().get("answered_by").is_some());
    }

    #[test]
    fn candidates_csv_names_line_and_field_and_refuses_duplicates() {
        let csv = "name,email,program,area,band,zip\n\
                   Ana Ruiz,ana@example.org,Elementary Education (BA),elementary,elementary,48201\n\
                   Bo Li,bo@example.org,Elementary Education (BA),cooking,elementary,48201\n\
                   Ana Again,ANA@example.org,Elementary Education (BA),elementary,elementary,48201\n";
        let errors = read_candidates(csv.as_bytes()).unwrap_err();
        assert_eq!((errors[0].line, errors[0].field.as_str()), (3, "area"));
        assert_eq!((errors[1].line, errors[1].field.as_str()), (4, "email"));
        let good = "email,name,program,area,band,lat,lon\nx@example.org,X Y,P,mathematics,secondary,42.3,-83.0\n";
        let rows = read_candidates(good.as_bytes()).unwrap();
        assert!(matches!(rows[0].1.home, Home::At { .. }));
    }

    fn inputs(high_needs_min: u32) -> RunInputs {
        RunInputs {
            rules: RunRules {
                high_needs_min,
                ..RunRules::default()
            },
            candidates: (1..=3)
                .map(|id| RunCandidate {
                    id,
                    name: format!("C{id}"),
                    area: LicensureArea::Elementary,
                    band: GradeBand::Elementary,
                    lat: 42.33,
                    lon: -83.05,
                    preferences: vec![],
                    conflicts: vec![],
                    declined_by_mentors: vec![],
                    program_id: 7,
                    previous_school: None,
                })
                .collect(),
            mentors: vec![
                RunMentor {
                    id: 10,
                    name: "M".into(),
                    school_id: 100,
                    areas: vec![LicensureArea::Elementary],
                    bands: vec![GradeBand::Elementary],
                    capacity: 1,
                    eligible: true,
                    quality: 80,
                },
                RunMentor {
                    id: 11,
                    name: "N".into(),
                    school_id: 101,
                    areas: vec![LicensureArea::Elementary],
                    bands: vec![GradeBand::Elementary],
                    capacity: 2,
                    eligible: true,
                    quality: 50,
                },
            ],
            schools: vec![
                RunSchool {
                    id: 100,
                    name: "A".into(),
                    district_id: 1,
                    lat: 42.34,
                    lon: -83.05,
                    cap: 1,
                    high_needs: true,
                },
                RunSchool {
                    id: 101,
                    name: "B".into(),
                    district_id: 1,
                    lat: 42.40,
                    lon: -83.10,
                    cap: 2,
                    high_needs: false,
                },
            ],
            locks: vec![],
        }
    }

    #[test]
    fn a_high_needs_percentage_counts_from_the_most_placements() {
        let mut share = inputs(0);
        share.rules.high_needs_percent = Some(50);
        let (_, summary) = run(&share).unwrap();
        // Half of 3 is 2 (rounded up); the one high-needs school hosts 1.
        assert_eq!(
            (
                summary.placed,
                summary.high_needs_placed,
                summary.high_needs_short
            ),
            (3, 1, 1)
        );
        share.rules.high_needs_percent = Some(30);
        let (_, summary) = run(&share).unwrap();
        assert_eq!(
            (summary.high_needs_placed, summary.high_needs_short),
            (1, 0)
        );
    }

    #[test]
    fn a_moved_weight_keeps_the_proposal_a_re_run_need_not_change() {
        let at_a = |inputs: &RunInputs| {
            let (results, _) = run(inputs).unwrap();
            let r = results.iter().find(|r| r.school_id == Some(100)).unwrap();
            (r.candidate_id, r.detail.clone())
        };
        // The three candidates are alike: without the weight, the proposal to C3 at A is
        // not worth keeping.
        let mut again = inputs(0);
        for (c, school) in again.candidates.iter_mut().zip([101, 101, 100]) {
            c.previous_school = Some(school);
        }
        assert_ne!(at_a(&again).0, 3);
        again.rules.moved = 100;
        let (candidate, detail) = at_a(&again);
        assert_eq!(candidate, 3, "{detail}");
        assert!(!detail.contains("moved"), "{detail}");
        // Where someone has to move (all three were proposed A, which takes one), it costs
        // the weight, in the breakdown.
        for c in &mut again.candidates {
            c.previous_school = Some(100);
        }
        let (results, _) = run(&again).unwrap();
        assert!(
            (results.iter()).any(|r| r.detail.contains("moved 100")),
            "{results:?}"
        );
    }

    #[test]
    fn the_cohort_size_keeps_a_program_from_filling_a_school() {
        let placed = |inputs: &RunInputs| {
            let (results, summary) = run(inputs).unwrap();
            let in_b = results.iter().filter(|r| r.school_id == Some(101)).count();
            (summary.placed, in_b, summary.cohort_max)
        };
        let mut capped = inputs(0);
        assert_eq!(placed(&capped), (3, 2, None), "B takes two of one program");
        capped.rules.cohort_max = Some(1);
        assert_eq!(
            placed(&capped),
            (2, 1, Some(1)),
            "but one with a cohort size of 1"
        );
        let (results, _) = run(&capped).unwrap();
        let left = results.iter().find(|r| r.school_id.is_none()).unwrap();
        assert!(
            left.detail.contains("as the cohort size allows"),
            "{}",
            left.detail
        );
        capped.candidates[2].program_id = 8;
        assert_eq!(
            placed(&capped),
            (3, 2, Some(1)),
            "and one of each of two programs"
        );
    }

    #[test]
    fn a_mentor_who_declined_is_not_proposed_again_but_their_school_stays_open() {
        let mut declined = inputs(0);
        declined.candidates[0].declined_by_mentors = vec![10];
        let (results, _) = run(&declined).unwrap();
        let first = results.iter().find(|r| r.candidate_id == 1).unwrap();
        assert_eq!(first.mentor_id, Some(11));
        assert!(
            results.iter().any(|r| r.mentor_id == Some(10)),
            "others may have M"
        );
        // A district's decline closes the school: no one else is there for candidate 1.
        declined.candidates[0].conflicts = vec![101];
        let (results, _) = run(&declined).unwrap();
        let first = results.iter().find(|r| r.candidate_id == 1).unwrap();
        assert_eq!(first.mentor_id, None);
    }

    #[test]
    fn a_run_places_explains_and_keeps_locks() {
        let (results, summary) = run(&inputs(1)).unwrap();
        assert_eq!((summary.placed, summary.high_needs_placed), (3, 1));
        assert!(results.iter().all(|r| r.detail.starts_with("cost")));
        let mut locked = inputs(1);
        locked.locks = vec![(3, 10)];
        let (again, _) = run(&locked).unwrap();
        assert_eq!(
            again
                .iter()
                .find(|r| r.candidate_id == 3)
                .unwrap()
                .mentor_id,
            Some(10)
        );
        assert!(again.iter().find(|r| r.candidate_id == 3).unwrap().locked);
    }

    #[test]
    fn a_quota_above_high_needs_capacity_is_refused_before_solving() {
        let message = run(&inputs(2)).unwrap_err();
        assert!(message.contains("lower it to 1"), "{message}");
    }

    #[test]
    fn a_run_says_how_near_the_best_it_is_proven() {
        let said = |objective, bound, may_place_more| {
            let summary = RunSummary {
                objective,
                bound,
                may_place_more,
                ..Default::default()
            };
            summary.optimality()
        };
        assert_eq!(said(1_085, 1_085, 0), "proven optimal");
        assert_eq!(said(1_100, 1_085, 0), "within 15 of optimal");
        assert_eq!(said(1_100, i64::MIN, 0), "no bound proven");
        assert_eq!(
            said(4_427_525, -1_217_587_837, 100),
            "up to 100 more candidates might be placed; not proven either way"
        );
        assert!(said(10, -5, 1).starts_with("up to 1 more candidate might"));
        // A summary kept before the field existed reads as proven.
        let old = RunSummary::from_json(
            r#"{"candidates":2,"placed":2,"unplaced":0,"high_needs_placed":0,"high_needs_short":0,"average_km":1.0,"objective":7,"bound":7,"millis":1}"#,
        );
        assert_eq!(
            (old.placed, old.optimality().as_str()),
            (2, "proven optimal")
        );
    }

    #[test]
    fn completions_expire_after_their_months() {
        assert_eq!(expires_on(day("2025-11-15"), 24), day("2027-11-15"));
        assert_eq!(expires_on(day("2025-01-31"), 1), day("2025-02-28"));
    }
}
