//! Self-assessment: the frameworks a partnership can rate itself against, each party's ratings
//! side by side with disagreements marked, how each party's ratings moved (a chart with a table
//! behind it), and the form a party rates on.

use askama::Template;
use axum::extract::Path;
use axum::response::Response;
use tandem_domain::FieldErrors;
use tandem_domain::depth::{AssessmentFields, Framework};
use tandem_store::assessments::StoredFramework;

use super::{Layout, render, render_form, saved_or_form};
use crate::csv_export;
use crate::error::{AppError, PageResult};
use crate::form::Submitted;
use crate::guard::{Comparison, Guard, PartnershipView};

/// The partnership and framework ids of a path; anything else is "not found".
fn ids(Path((id, framework)): Path<(String, String)>) -> Result<(i64, i64), AppError> {
    match (id.parse(), framework.parse()) {
        (Ok(id), Ok(framework)) => Ok((id, framework)),
        _ => Err(AppError::NotFound),
    }
}

/// A framework with where each party stands on it.
pub struct FrameworkRow {
    pub framework: StoredFramework,
    pub rated_by: Vec<String>,
    pub disagreements: usize,
}

#[derive(Template)]
#[template(path = "partnerships/assessments.html")]
struct ListPage {
    layout: Layout,
    view: PartnershipView,
    frameworks: Vec<FrameworkRow>,
}

pub async fn list(guard: Guard, super::Id(id): super::Id) -> PageResult<Response> {
    let view = guard.partnership(id).await?;
    let mut frameworks = Vec::new();
    for stored in guard.frameworks().await? {
        let comparison = guard.comparison(&view, stored.id).await?;
        frameworks.push(FrameworkRow {
            rated_by: comparison
                .parties
                .iter()
                .filter_map(|p| {
                    p.latest()
                        .map(|l| format!("{} ({})", p.org_name, l.0.rated_on))
                })
                .collect(),
            disagreements: comparison.rows.iter().filter(|r| r.disagree).count(),
            framework: stored,
        });
    }
    let page = ListPage {
        layout: Layout::new(&guard, "Self-assessment", "/partnerships"),
        view,
        frameworks,
    };
    render(&page)
}

/// One point of the chart.
pub struct Dot {
    pub x: u32,
    pub y: u32,
    pub label: String,
}

/// One party's line on the chart.
pub struct Series {
    pub name: String,
    pub points: String,
    pub dots: Vec<Dot>,
    /// Lines differ by dash as well as colour, so they read without colour.
    pub dash: &'static str,
    pub colour: &'static str,
}

/// Each party's mean level over time, as an SVG drawn on the server.
pub struct Chart {
    pub series: Vec<Series>,
    pub x_labels: Vec<(u32, String)>,
    pub y_labels: Vec<(u32, String)>,
}

/// A level's label short enough for the chart's axis (the table and the list give it whole).
fn short(label: &str) -> String {
    if label.chars().count() <= 22 {
        label.to_owned()
    } else {
        format!("{}…", label.chars().take(21).collect::<String>().trim_end())
    }
}

const WIDTH: u32 = 640;
const HEIGHT: u32 = 220;
const LEFT: u32 = 170;
const TOP: u32 = 20;
const BOTTOM: u32 = 40;

impl Chart {
    fn new(comparison: &Comparison) -> Option<Chart> {
        let mut dates: Vec<&str> = comparison
            .parties
            .iter()
            .flat_map(|p| p.rounds.iter().map(|r| r.0.rated_on.as_str()))
            .collect();
        dates.sort_unstable();
        dates.dedup();
        if dates.is_empty() {
            return None;
        }
        let framework = &comparison.framework;
        let (low, high) = (f64::from(framework.bottom()), f64::from(framework.top()));
        let plot_w = WIDTH - LEFT - 50;
        let plot_h = HEIGHT - TOP - BOTTOM;
        let x = |date: &str| {
            let i = dates.iter().position(|d| *d == date).unwrap_or(0) as u32;
            let steps = (dates.len() as u32).saturating_sub(1).max(1);
            LEFT + if dates.len() == 1 {
                plot_w / 2
            } else {
                i * plot_w / steps
            }
        };
        let y =
            |level: f64| TOP + ((high - level) / (high - low) * f64::from(plot_h)).round() as u32;
        const STYLES: [(&str, &str); 4] = [
            ("", "#1d4ed8"),
            ("6 4", "#b45309"),
            ("2 3", "#047857"),
            ("10 3 2 3", "#7c3aed"),
        ];
        let series = comparison
            .parties
            .iter()
            .enumerate()
            .filter(|(_, p)| !p.rounds.is_empty())
            .map(|(i, p)| {
                let dots: Vec<Dot> = p
                    .rounds
                    .iter()
                    .filter_map(|(a, _, mean)| {
                        mean.map(|m| Dot {
                            x: x(&a.rated_on),
                            y: y(m),
                            label: format!("{}, {}: {m}", p.org_name, a.rated_on),
                        })
                    })
                    .collect();
                let (dash, colour) = STYLES[i % STYLES.len()];
                Series {
                    name: p.org_name.clone(),
                    points: dots
                        .iter()
                        .map(|d| format!("{},{}", d.x, d.y))
                        .collect::<Vec<_>>()
                        .join(" "),
                    dots,
                    dash,
                    colour,
                }
            })
            .collect();
        Some(Chart {
            series,
            x_labels: dates.iter().map(|d| (x(d), (*d).to_owned())).collect(),
            y_labels: framework
                .levels
                .iter()
                .map(|l| (y(f64::from(l.value)), short(&l.label)))
                .collect(),
        })
    }

    pub fn width(&self) -> u32 {
        WIDTH
    }

    pub fn height(&self) -> u32 {
        HEIGHT
    }

    pub fn left(&self) -> u32 {
        LEFT
    }

    pub fn baseline(&self) -> u32 {
        HEIGHT - BOTTOM
    }
}

#[derive(Template)]
#[template(path = "partnerships/assessment.html")]
struct ComparisonPage {
    layout: Layout,
    view: PartnershipView,
    comparison: Comparison,
    chart: Option<Chart>,
    can_rate: bool,
}

pub async fn comparison(guard: Guard, path: Path<(String, String)>) -> PageResult<Response> {
    let (id, framework) = ids(path)?;
    let view = guard.partnership(id).await?;
    let comparison = guard.comparison(&view, framework).await?;
    let page = ComparisonPage {
        layout: Layout::new(&guard, comparison.framework.title.clone(), "/partnerships"),
        chart: Chart::new(&comparison),
        can_rate: view.can_work && !guard.rating_parties(&view).is_empty(),
        comparison,
        view,
    };
    render(&page)
}

#[derive(Template)]
#[template(path = "partnerships/assessment_form.html")]
struct FormPage {
    layout: Layout,
    view: PartnershipView,
    stored: StoredFramework,
    framework: Framework,
    /// (id, name) of the parties the caller may rate for, when there is a choice.
    parties: Vec<(i64, String)>,
    form: AssessmentFields,
    errors: FieldErrors,
}

impl FormPage {
    fn checked(&self, key: &str, value: &u8) -> bool {
        self.form.answer("level", key) == value.to_string()
    }

    fn answer(&self, field: &str, key: &str) -> &str {
        self.form.answer(field, key)
    }

    fn org_chosen(&self, id: &i64) -> bool {
        self.form.answers.get("org_id") == Some(&id.to_string())
    }

    fn error(&self, field: &str, key: &str) -> Option<&str> {
        self.errors.get(&format!("{field}.{key}"))
    }
}

async fn form_page(
    guard: &Guard,
    id: i64,
    framework_id: i64,
    form: AssessmentFields,
    errors: FieldErrors,
) -> PageResult<Response> {
    let view = guard.partnership(id).await?;
    let own = guard.rating_parties(&view);
    if !view.can_work || own.is_empty() {
        return Err(AppError::Forbidden.into());
    }
    let (stored, framework) = guard.framework(framework_id).await?;
    let parties = if own.len() > 1 {
        view.parties
            .iter()
            .filter(|p| own.contains(&p.org_id))
            .map(|p| (p.org_id, p.org_name.clone()))
            .collect()
    } else {
        Vec::new()
    };
    let page = FormPage {
        layout: Layout::new(guard, format!("Rate: {}", framework.title), "/partnerships"),
        view,
        stored,
        framework,
        parties,
        form,
        errors: errors.clone(),
    };
    render_form(&page, &errors)
}

pub async fn new(guard: Guard, path: Path<(String, String)>) -> PageResult<Response> {
    let (id, framework) = ids(path)?;
    let form = AssessmentFields {
        rated_on: super::today().to_string(),
        ..AssessmentFields::default()
    };
    form_page(&guard, id, framework, form, FieldErrors::default()).await
}

pub async fn create(
    path: Path<(String, String)>,
    Submitted { guard, form }: Submitted<AssessmentFields>,
) -> PageResult<Response> {
    let (id, framework) = ids(path)?;
    let org = form.answers.get("org_id").and_then(|o| o.parse().ok());
    let result = guard
        .add_assessment(id, framework, org, &form)
        .await
        .map(|()| format!("/partnerships/{id}/assessments/{framework}"));
    saved_or_form(result, |errors| {
        form_page(&guard, id, framework, form, errors)
    })
    .await
}

/// Every rating of every party against one framework.
pub async fn export(guard: Guard, path: Path<(String, String)>) -> PageResult<Response> {
    let (id, framework) = ids(path)?;
    let view = guard.partnership(id).await?;
    let comparison = guard.comparison(&view, framework).await?;
    let header = [
        "framework",
        "org_id",
        "organization",
        "rated_on",
        "criterion",
        "level",
        "level_label",
        "evidence",
        "comment",
    ];
    let mut rows = Vec::new();
    for party in &comparison.parties {
        for (assessment, ratings, _) in &party.rounds {
            for r in ratings {
                rows.push(vec![
                    comparison.stored.slug.clone(),
                    party.org_id.to_string(),
                    party.org_name.clone(),
                    assessment.rated_on.clone(),
                    r.criterion.clone(),
                    r.level.to_string(),
                    comparison.framework.level_label(r.level).to_owned(),
                    r.evidence.clone(),
                    r.comment.clone(),
                ]);
            }
        }
    }
    Ok(csv_export::download("self-assessment.csv", &header, rows)?)
}

/// A party's latest rating of one criterion.
pub fn rating_of<'a>(
    party: &'a crate::guard::PartyHistory,
    key: &str,
) -> Option<&'a tandem_domain::depth::Rating> {
    party
        .latest()
        .and_then(|(_, ratings, _)| ratings.iter().find(|r| r.criterion == key))
}

/// A level as "3", or "—" when the criterion was not rated in that round.
pub fn level_in(ratings: &[tandem_domain::depth::Rating], key: &str) -> String {
    ratings
        .iter()
        .find(|r| r.criterion == key)
        .map_or_else(|| "—".to_owned(), |r| r.level.to_string())
}
