//! Calibration: observers score the same exemplar lesson on a rubric, and Tandem reports how
//! closely each agrees with the reference scores — exact and adjacent (within one level)
//! agreement and Cohen's kappa — and how closely the partnership's observers agree overall.

use serde::Deserialize;
use utoipa::ToSchema;

use crate::input::{FieldErrors, name};
use crate::partnerships::long_text;

/// How one observer's scores (or everyone's, pooled) agree with the reference.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Agreement {
    pub rows: usize,
    /// Share of rows scored exactly as the reference, 0–1.
    pub exact: f64,
    /// Share of rows within one level of the reference, 0–1.
    pub adjacent: f64,
    /// Cohen's kappa: agreement beyond chance; `None` when chance agreement is total (every
    /// score the same level), where kappa is undefined.
    pub kappa: Option<f64>,
}

/// Agreement of `scores` with `reference`, pair by pair, on levels `1..=levels`.
pub fn agreement(pairs: &[(u8, u8)], levels: u8) -> Agreement {
    let n = pairs.len();
    if n == 0 {
        return Agreement {
            rows: 0,
            exact: 0.0,
            adjacent: 0.0,
            kappa: None,
        };
    }
    let total = n as f64;
    let exact = pairs.iter().filter(|(r, s)| r == s).count() as f64 / total;
    let adjacent = pairs.iter().filter(|(r, s)| r.abs_diff(*s) <= 1).count() as f64 / total;
    let chance: f64 = (1..=levels)
        .map(|level| {
            let by_reference = pairs.iter().filter(|(r, _)| *r == level).count() as f64;
            let by_observer = pairs.iter().filter(|(_, s)| *s == level).count() as f64;
            (by_reference / total) * (by_observer / total)
        })
        .sum();
    let kappa = (chance < 1.0 - 1e-12).then(|| (exact - chance) / (1.0 - chance));
    Agreement {
        rows: n,
        exact,
        adjacent,
        kappa,
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ExerciseDraft {
    pub title: String,
    pub lesson: String,
    pub levels: u8,
    /// (rubric row, reference level).
    pub rows: Vec<(String, u8)>,
}

/// Raw fields of an exercise: its rubric rows with the reference level, one per line, written
/// "Row name: level".
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ExerciseFields {
    pub title: String,
    /// The exemplar lesson: where to watch it and what it shows.
    pub lesson: String,
    pub levels: String,
    pub rows: String,
}

impl ExerciseFields {
    pub fn parse(&self) -> Result<ExerciseDraft, FieldErrors> {
        let mut errors = FieldErrors::default();
        let title = name(&mut errors, "title", &self.title);
        let lesson = long_text(&mut errors, "lesson", &self.lesson, 2_000);
        let levels = match self.levels.trim().parse::<u8>() {
            Ok(l @ 2..=7) => l,
            _ => {
                errors.add(
                    "levels",
                    "Enter how many levels the rubric has, from 2 to 7",
                );
                0
            }
        };
        let mut rows = Vec::new();
        for line in self.rows.lines().map(str::trim).filter(|l| !l.is_empty()) {
            match line.rsplit_once(':') {
                Some((row, level)) if !row.trim().is_empty() => match level.trim().parse::<u8>() {
                    Ok(l) if (1..=levels).contains(&l) => rows.push((row.trim().to_owned(), l)),
                    _ => {
                        errors.add(
                            "rows",
                            format!(
                                "'{line}': the reference level must be from 1 to {}",
                                levels.max(2)
                            ),
                        );
                        break;
                    }
                },
                _ => {
                    errors.add(
                        "rows",
                        format!("'{line}': write each row as 'Row name: level'"),
                    );
                    break;
                }
            }
        }
        if rows.is_empty() && errors.get("rows").is_none() {
            errors.add(
                "rows",
                "Write at least one rubric row with its reference level",
            );
        }
        errors.finish(|| ExerciseDraft {
            title,
            lesson,
            levels,
            rows,
        })
    }
}

/// An observer's scores: one level per rubric row, every row scored.
pub fn parse_scores(raw: &[String], rows: usize, levels: u8) -> Result<Vec<u8>, FieldErrors> {
    let scores: Vec<Option<u8>> = (0..rows)
        .map(|i| {
            raw.get(i)
                .and_then(|v| v.trim().parse::<u8>().ok())
                .filter(|l| (1..=levels).contains(l))
        })
        .collect();
    if scores.iter().all(Option::is_some) {
        Ok(scores.into_iter().flatten().collect())
    } else {
        Err(FieldErrors::single(
            "scores",
            format!("Score every row, from 1 to {levels}"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perfect_agreement_is_kappa_one() {
        let a = agreement(&[(1, 1), (2, 2), (3, 3), (4, 4)], 4);
        assert_eq!((a.exact, a.adjacent), (1.0, 1.0));
        assert!((a.kappa.unwrap() - 1.0).abs() < 1e-9);
    }

    #[test]
    fn kappa_discounts_chance() {
        // Reference 1,1,2,2 against observer 1,2,2,2: exact 3/4; chance = .5*.25 + .5*.75 = .5.
        let a = agreement(&[(1, 1), (1, 2), (2, 2), (2, 2)], 4);
        assert!((a.exact - 0.75).abs() < 1e-9);
        assert!((a.kappa.unwrap() - 0.5).abs() < 1e-9);
        assert_eq!(a.adjacent, 1.0);
        // Everyone at one level: chance agreement is total; kappa is undefined.
        assert_eq!(agreement(&[(3, 3), (3, 3)], 4).kappa, None);
        assert_eq!(agreement(&[(1, 4)], 4).adjacent, 0.0);
    }

    #[test]
    fn exercises_need_rows_with_levels_in_range() {
        let fields = ExerciseFields {
            title: "Fractions lesson".into(),
            levels: "4".into(),
            rows: "Questioning: 3\nFeedback: 5".into(),
            ..Default::default()
        };
        assert!(
            fields
                .parse()
                .unwrap_err()
                .get("rows")
                .unwrap()
                .contains("from 1 to 4")
        );
        let good = ExerciseFields {
            rows: "Questioning: 3\nFeedback: 2".into(),
            ..fields
        };
        assert_eq!(good.parse().unwrap().rows.len(), 2);
        assert!(parse_scores(&["3".into()], 2, 4).is_err());
        assert_eq!(
            parse_scores(&["3".into(), "1".into()], 2, 4).unwrap(),
            vec![3, 1]
        );
    }
}
