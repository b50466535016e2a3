//! Self-assessment frameworks (data, not code: see `docs/frameworks.md`) and each party's
//! ratings against them: the comparison of parties side by side, and how ratings moved.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::ToSchema;

use crate::input::FieldErrors;
use crate::partnerships::{date, long_text};

/// The frameworks Tandem ships: (file name, text).
pub const BUILTIN: &[(&str, &str)] = &[
    (
        "partnership-depth.toml",
        include_str!("../data/frameworks/partnership-depth.toml"),
    ),
    (
        "ma-partnership-criteria.toml",
        include_str!("../data/frameworks/ma-partnership-criteria.toml"),
    ),
];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Level {
    pub value: u8,
    pub label: String,
    #[serde(default)]
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Criterion {
    pub key: String,
    pub title: String,
    /// What to think about, and what counts as evidence.
    #[serde(default)]
    pub prompt: String,
}

/// A framework: the levels of its scale (lowest first) and the criteria each party rates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Framework {
    pub slug: String,
    pub title: String,
    #[serde(default)]
    pub source: String,
    #[serde(default)]
    pub description: String,
    pub levels: Vec<Level>,
    pub criteria: Vec<Criterion>,
}

impl Framework {
    /// Reads and checks a framework file; the message names what to fix.
    pub fn parse(text: &str) -> Result<Framework, String> {
        let framework: Framework = toml::from_str(text).map_err(|e| e.to_string())?;
        framework.check()?;
        Ok(framework)
    }

    fn check(&self) -> Result<(), String> {
        let slug_ok = !self.slug.is_empty()
            && self.slug.len() <= 60
            && self
                .slug
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !slug_ok {
            return Err(format!(
                "slug '{}': use 1–60 lower-case letters, digits and hyphens",
                self.slug
            ));
        }
        if self.title.trim().is_empty() {
            return Err("title: give the framework a title".into());
        }
        if self.levels.len() < 2 {
            return Err("levels: a scale needs at least two levels".into());
        }
        if self.levels.windows(2).any(|w| w[0].value >= w[1].value) {
            return Err("levels: list the levels lowest first, with increasing values".into());
        }
        if self.criteria.is_empty() {
            return Err("criteria: list at least one criterion to rate".into());
        }
        for (i, c) in self.criteria.iter().enumerate() {
            if c.key.is_empty() || !c.key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                return Err(format!(
                    "criteria {}: key '{}' must be letters, digits or _",
                    i + 1,
                    c.key
                ));
            }
            if self.criteria[..i].iter().any(|o| o.key == c.key) {
                return Err(format!("criteria {}: key '{}' is used twice", i + 1, c.key));
            }
            if c.title.trim().is_empty() {
                return Err(format!("criteria {}: give '{}' a title", i + 1, c.key));
            }
        }
        Ok(())
    }

    pub fn level(&self, value: u8) -> Option<&Level> {
        self.levels.iter().find(|l| l.value == value)
    }

    pub fn level_label(&self, value: u8) -> &str {
        self.level(value).map_or("", |l| l.label.as_str())
    }

    pub fn top(&self) -> u8 {
        self.levels.last().map_or(1, |l| l.value)
    }

    pub fn bottom(&self) -> u8 {
        self.levels.first().map_or(0, |l| l.value)
    }
}

/// One party's rating of one criterion.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Rating {
    pub criterion: String,
    pub level: u8,
    pub evidence: String,
    pub comment: String,
}

/// A completed self-assessment, as the form or API sends it: the date it describes, then per
/// criterion `level.KEY`, `evidence.KEY`, `comment.KEY`.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct AssessmentFields {
    /// YYYY-MM-DD.
    #[serde(default)]
    pub rated_on: String,
    #[serde(flatten)]
    pub answers: BTreeMap<String, String>,
}

impl AssessmentFields {
    pub fn answer(&self, field: &str, key: &str) -> &str {
        self.answers
            .get(&format!("{field}.{key}"))
            .map_or("", String::as_str)
    }

    /// Every criterion must be rated on the framework's scale; evidence is asked for at
    /// "meets"-like levels and above (the upper half of the scale), so a claim can be checked.
    pub fn parse(&self, framework: &Framework) -> Result<(Date, Vec<Rating>), FieldErrors> {
        let mut errors = FieldErrors::default();
        let rated_on = date(&mut errors, "rated_on", &self.rated_on);
        if rated_on.is_none() && errors.get("rated_on").is_none() {
            errors.add("rated_on", "Enter the date this assessment describes");
        }
        let middle = (u16::from(framework.bottom()) + u16::from(framework.top())) / 2;
        let mut ratings = Vec::new();
        for c in &framework.criteria {
            let level_field = format!("level.{}", c.key);
            let evidence_field = format!("evidence.{}", c.key);
            let raw = self.answer("level", &c.key).trim();
            let level = raw
                .parse::<u8>()
                .ok()
                .filter(|v| framework.level(*v).is_some());
            if level.is_none() {
                errors.add(&level_field, format!("Choose a level for '{}'", c.title));
            }
            let evidence = long_text(
                &mut errors,
                &evidence_field,
                self.answer("evidence", &c.key),
                5_000,
            );
            let comment = long_text(
                &mut errors,
                &format!("comment.{}", c.key),
                self.answer("comment", &c.key),
                5_000,
            );
            if let Some(level) = level
                && u16::from(level) > middle
                && evidence.is_empty()
            {
                errors.add(
                    &evidence_field,
                    format!(
                        "Name the evidence for rating '{}' as '{}'",
                        c.title,
                        framework.level_label(level)
                    ),
                );
            }
            ratings.push(Rating {
                criterion: c.key.clone(),
                level: level.unwrap_or_default(),
                evidence,
                comment,
            });
        }
        errors.finish(|| (rated_on.unwrap_or(Date::MIN), ratings))
    }
}

/// One criterion across the parties: each party's latest level (or none yet), and whether they
/// disagree (levels differ among those who rated).
#[derive(Debug, Clone, PartialEq)]
pub struct ComparedCriterion {
    pub key: String,
    pub title: String,
    pub levels: Vec<Option<u8>>,
    pub disagree: bool,
}

/// Side by side: per criterion, each party's level in the order of `parties`.
pub fn compare(framework: &Framework, parties: &[Vec<Rating>]) -> Vec<ComparedCriterion> {
    framework
        .criteria
        .iter()
        .map(|c| {
            let levels: Vec<Option<u8>> = parties
                .iter()
                .map(|ratings| {
                    ratings
                        .iter()
                        .find(|r| r.criterion == c.key)
                        .map(|r| r.level)
                })
                .collect();
            let rated: Vec<u8> = levels.iter().flatten().copied().collect();
            let disagree = rated.windows(2).any(|w| w[0] != w[1]);
            ComparedCriterion {
                key: c.key.clone(),
                title: c.title.clone(),
                levels,
                disagree,
            }
        })
        .collect()
}

/// The mean level of a set of ratings, to one decimal.
pub fn mean(ratings: &[Rating]) -> Option<f64> {
    (!ratings.is_empty()).then(|| {
        let sum: u32 = ratings.iter().map(|r| u32::from(r.level)).sum();
        (f64::from(sum) * 10.0 / ratings.len() as f64).round() / 10.0
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn depth() -> Framework {
        Framework::parse(BUILTIN[0].1).unwrap()
    }

    #[test]
    fn shipped_frameworks_parse() {
        for (file, text) in BUILTIN {
            let framework = Framework::parse(text).unwrap_or_else(|e| panic!("{file}: {e}"));
            assert!(framework.levels.len() >= 2, "{file}");
        }
        assert_eq!(depth().levels.len(), 4);
        assert_eq!(Framework::parse(BUILTIN[1].1).unwrap().criteria.len(), 5);
    }

    #[test]
    fn bad_frameworks_say_what_to_fix() {
        let err = Framework::parse("slug = \"x\"\ntitle = \"X\"\nlevels = []\ncriteria = []")
            .unwrap_err();
        assert!(err.contains("at least two levels"), "{err}");
        let text = BUILTIN[0]
            .1
            .replace("key = \"staff\"", "key = \"meetings\"");
        assert!(Framework::parse(&text).unwrap_err().contains("used twice"));
        let text = BUILTIN[0].1.replace("prompt =", "promt =");
        assert!(
            Framework::parse(&text).is_err(),
            "unknown fields are refused"
        );
    }

    #[test]
    fn every_criterion_is_rated_and_high_levels_need_evidence() {
        let framework = depth();
        let mut fields = AssessmentFields {
            rated_on: "2027-05-01".into(),
            answers: BTreeMap::new(),
        };
        for c in &framework.criteria {
            fields
                .answers
                .insert(format!("level.{}", c.key), "2".into());
        }
        fields.answers.insert("level.data".into(), "4".into());
        let errors = fields.parse(&framework).unwrap_err();
        assert!(errors.get("evidence.data").is_some());
        assert_eq!(errors.0.len(), 1);
        fields
            .answers
            .insert("evidence.data".into(), "Termly data days since 2025".into());
        fields.answers.insert("level.staff".into(), "9".into());
        assert!(
            fields
                .parse(&framework)
                .unwrap_err()
                .get("level.staff")
                .is_some()
        );
        fields.answers.insert("level.staff".into(), "1".into());
        let (on, ratings) = fields.parse(&framework).unwrap();
        assert_eq!(on.to_string(), "2027-05-01");
        assert_eq!(ratings.len(), framework.criteria.len());
    }

    #[test]
    fn comparison_flags_differing_levels_only() {
        let framework = depth();
        let rate = |pairs: &[(&str, u8)]| -> Vec<Rating> {
            pairs
                .iter()
                .map(|(k, l)| Rating {
                    criterion: (*k).into(),
                    level: *l,
                    evidence: String::new(),
                    comment: String::new(),
                })
                .collect()
        };
        let rows = compare(
            &framework,
            &[
                rate(&[("meetings", 2), ("data", 3)]),
                rate(&[("meetings", 2), ("data", 1)]),
            ],
        );
        let row = |k: &str| rows.iter().find(|r| r.key == k).unwrap();
        assert!(!row("meetings").disagree);
        assert!(row("data").disagree);
        assert_eq!(row("staff").levels, vec![None, None]);
        assert_eq!(mean(&rate(&[("a", 2), ("b", 3)])), Some(2.5));
    }
}
