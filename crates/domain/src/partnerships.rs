//! Partnerships between a preparation provider and districts: what they are, the agreement they
//! sign (sections, versions, approval by every party), and the feedback they give each other.

use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::ToSchema;

use crate::input::{FieldErrors, choice, id, name};

vocabulary! {
    /// Where a partnership stands.
    PartnershipStatus {
        Exploring = "exploring", "Exploring";
        Active = "active", "Active";
        Paused = "paused", "Paused";
        Ended = "ended", "Ended";
    }
}

vocabulary! {
    /// What a feedback item is about.
    FeedbackCategory {
        Preparation = "preparation", "Candidate preparation";
        Mentoring = "mentoring", "Mentors and mentoring";
        Placement = "placement", "Placements and scheduling";
        Communication = "communication", "Communication";
        Data = "data", "Data and reporting";
        Other = "other", "Other";
    }
}

vocabulary! {
    /// The steps a feedback item goes through, in order.
    FeedbackStatus {
        Raised = "raised", "Raised";
        Acknowledged = "acknowledged", "Acknowledged";
        Planned = "planned", "Action planned";
        Acted = "acted", "Acted upon";
        Closed = "closed", "Closed";
    }
}

impl FeedbackStatus {
    fn rank(self) -> usize {
        Self::ALL.iter().position(|s| *s == self).unwrap_or(0)
    }

    /// The steps that may follow this one: forward only; any open item may be closed.
    pub fn next(self) -> Vec<FeedbackStatus> {
        Self::ALL
            .iter()
            .copied()
            .filter(|s| s.rank() > self.rank() && *s != FeedbackStatus::Raised)
            .collect()
    }
}

/// The sections of an agreement, in order, with the starting text a new agreement gets.
pub const SECTIONS: &[(&str, &str, &str)] = &[
    (
        "vision",
        "Shared vision",
        "Together we prepare teachers who are ready for our students on their first day. \
         The district opens its classrooms and mentors; the program shapes its coursework and \
         clinical experiences around the district's needs.",
    ),
    (
        "goals",
        "Goals",
        "The measurable goals we pursue together are kept on the partnership's goals page, each \
         with a baseline, a target, a date and an owner.",
    ),
    (
        "roles",
        "Roles and responsibilities",
        "Provider: recruits and prepares candidates, trains and supports mentors, supervises \
         candidates in the field.\nDistrict: identifies eligible mentors and placement schools, \
         releases mentors for training, shares hiring needs.\nBoth: meet at least once a term, \
         review data together, act on each other's feedback.",
    ),
    (
        "data",
        "Data sharing",
        "What: placements, observation scores, survey results, hiring and retention of \
         completers.\nDirection: each party shares what it holds with the other.\nPurpose: \
         improving preparation and support only.\nRetention: records are kept for five years, \
         then deleted.",
    ),
    (
        "term",
        "Term and review",
        "This agreement runs for three years from approval and is reviewed together every \
         year. Either party may propose changes at any time; a change takes effect when every \
         party approves it.",
    ),
];

/// An agreement's text, section by section (keys of [`SECTIONS`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Sections(pub std::collections::BTreeMap<String, String>);

impl Sections {
    /// The starting text of a new agreement.
    pub fn template() -> Sections {
        Sections(
            SECTIONS
                .iter()
                .map(|(key, _, text)| ((*key).to_owned(), (*text).to_owned()))
                .collect(),
        )
    }

    pub fn get(&self, key: &str) -> &str {
        self.0.get(key).map_or("", String::as_str)
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(&self.0).unwrap_or_default()
    }

    pub fn from_json(text: &str) -> Sections {
        Sections(serde_json::from_str(text).unwrap_or_default())
    }
}

/// One line of a section's difference from the approved text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct DiffLine {
    /// "same", "added" or "removed".
    pub change: &'static str,
    pub text: String,
}

/// Line-by-line differences between two texts of a section.
pub fn diff(old: &str, new: &str) -> Vec<DiffLine> {
    // Every line ends in a line break, so a last line is not "changed" by one added after it.
    let (old, new) = (
        format!("{}\n", old.trim_end()),
        format!("{}\n", new.trim_end()),
    );
    similar::TextDiff::from_lines(&old, &new)
        .iter_all_changes()
        .map(|change| DiffLine {
            change: match change.tag() {
                similar::ChangeTag::Equal => "same",
                similar::ChangeTag::Insert => "added",
                similar::ChangeTag::Delete => "removed",
            },
            text: change.value().trim_end_matches(['\r', '\n']).to_owned(),
        })
        .collect()
}

/// A version is in force when an authorized person of every party has approved it.
pub fn in_force(parties: &[i64], approved_by: &[i64]) -> bool {
    !parties.is_empty() && parties.iter().all(|p| approved_by.contains(p))
}

/// Long free text (several lines): trimmed, at most `max` characters, no control characters
/// other than line breaks and tabs.
pub fn long_text(errors: &mut FieldErrors, field: &str, raw: &str, max: usize) -> String {
    let value = raw.trim().replace("\r\n", "\n");
    if value.chars().count() > max {
        errors.add(field, format!("Must be {max} characters or fewer"));
    } else if value
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        errors.add(field, "Must not contain control characters");
    }
    value
}

/// An optional date written as YYYY-MM-DD.
pub fn date(errors: &mut FieldErrors, field: &str, raw: &str) -> Option<Date> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    let format = time::macros::format_description!("[year]-[month]-[day]");
    match Date::parse(raw, format) {
        Ok(date) => Some(date),
        Err(_) => {
            errors.add(field, "Enter a real date like 2027-08-25");
            None
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct PartnershipDraft {
    pub name: String,
    pub provider_id: i64,
    pub district_ids: Vec<i64>,
    pub status: PartnershipStatus,
    pub starts_on: Option<Date>,
    pub review_on: Option<Date>,
}

/// Raw partnership fields as a form or JSON body carries them.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct PartnershipFields {
    pub name: String,
    pub provider_id: String,
    /// Ids of the district partners.
    #[serde(default)]
    pub district_ids: Vec<String>,
    pub status: String,
    /// YYYY-MM-DD.
    #[serde(default)]
    pub starts_on: String,
    /// YYYY-MM-DD, after the start.
    #[serde(default)]
    pub review_on: String,
}

impl PartnershipFields {
    pub fn parse(&self) -> Result<PartnershipDraft, FieldErrors> {
        let mut errors = FieldErrors::default();
        let name = name(&mut errors, "name", &self.name);
        let provider_id = id(
            &mut errors,
            "provider_id",
            &self.provider_id,
            "the provider",
        );
        let mut district_ids = Vec::new();
        for raw in self.district_ids.iter().filter(|d| !d.trim().is_empty()) {
            match raw.trim().parse::<i64>() {
                Ok(id) if id > 0 && !district_ids.contains(&id) => district_ids.push(id),
                Ok(id) if id > 0 => {}
                _ => errors.add("district_ids", "Select districts from the list"),
            }
        }
        if district_ids.is_empty() && errors.get("district_ids").is_none() {
            errors.add("district_ids", "Select at least one district partner");
        }
        let status = choice(
            &mut errors,
            "status",
            &self.status,
            PartnershipStatus::parse,
            "a status",
        );
        let starts_on = date(&mut errors, "starts_on", &self.starts_on);
        let review_on = date(&mut errors, "review_on", &self.review_on);
        if let (Some(start), Some(review)) = (starts_on, review_on)
            && review <= start
        {
            errors.add("review_on", "The review date must be after the start date");
        }
        errors.finish(|| PartnershipDraft {
            name,
            provider_id: provider_id.unwrap_or_default(),
            district_ids,
            status: status.unwrap_or(PartnershipStatus::Exploring),
            starts_on,
            review_on,
        })
    }
}

/// A new agreement version: every section's text, and which version it was edited from.
#[derive(Debug, Clone, PartialEq)]
pub struct AgreementDraft {
    pub based_on: Option<i64>,
    pub sections: Sections,
    pub note: String,
}

/// Raw agreement fields: one per section key, the version the editor started from, and a note
/// saying what changed.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct AgreementFields {
    #[serde(default)]
    pub based_on: String,
    #[serde(default)]
    pub vision: String,
    #[serde(default)]
    pub goals: String,
    #[serde(default)]
    pub roles: String,
    #[serde(default)]
    pub data: String,
    #[serde(default)]
    pub term: String,
    #[serde(default)]
    pub note: String,
}

impl AgreementFields {
    pub fn from_sections(sections: &Sections, based_on: Option<i64>) -> AgreementFields {
        AgreementFields {
            based_on: based_on.map(|n| n.to_string()).unwrap_or_default(),
            vision: sections.get("vision").to_owned(),
            goals: sections.get("goals").to_owned(),
            roles: sections.get("roles").to_owned(),
            data: sections.get("data").to_owned(),
            term: sections.get("term").to_owned(),
            note: String::new(),
        }
    }

    pub fn value(&self, key: &str) -> &str {
        match key {
            "vision" => &self.vision,
            "goals" => &self.goals,
            "roles" => &self.roles,
            "data" => &self.data,
            "term" => &self.term,
            _ => "",
        }
    }

    pub fn parse(&self) -> Result<AgreementDraft, FieldErrors> {
        let mut errors = FieldErrors::default();
        let mut sections = Sections::default();
        for (key, label, _) in SECTIONS {
            let text = long_text(&mut errors, key, self.value(key), 20_000);
            if text.is_empty() {
                errors.add(key, format!("Write the {} section", label.to_lowercase()));
            }
            sections.0.insert((*key).to_owned(), text);
        }
        let note = long_text(&mut errors, "note", &self.note, 500);
        let based_on = match self.based_on.trim() {
            "" => None,
            raw => match raw.parse::<i64>() {
                Ok(n) if n > 0 => Some(n),
                _ => {
                    errors.add(
                        "based_on",
                        "The version this edit started from is not known",
                    );
                    None
                }
            },
        };
        errors.finish(|| AgreementDraft {
            based_on,
            sections,
            note,
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct FeedbackDraft {
    pub to_org_id: i64,
    pub category: FeedbackCategory,
    pub summary: String,
    pub evidence: String,
}

/// Raw fields of a new feedback item.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct FeedbackFields {
    /// The party the feedback is for (its organization id).
    #[schema(pattern = "^[1-9][0-9]*$")]
    pub to_org_id: String,
    #[schema(value_type = FeedbackCategory)]
    pub category: String,
    #[schema(min_length = 1, max_length = 500)]
    pub summary: String,
    #[serde(default)]
    #[schema(max_length = 5000)]
    pub evidence: String,
}

impl FeedbackFields {
    pub fn parse(&self) -> Result<FeedbackDraft, FieldErrors> {
        let mut errors = FieldErrors::default();
        let to_org_id = id(&mut errors, "to_org_id", &self.to_org_id, "who it is for");
        let category = choice(
            &mut errors,
            "category",
            &self.category,
            FeedbackCategory::parse,
            "a category",
        );
        let summary = long_text(&mut errors, "summary", &self.summary, 500);
        if summary.is_empty() {
            errors.add("summary", "Say what the feedback is");
        }
        let evidence = long_text(&mut errors, "evidence", &self.evidence, 5_000);
        errors.finish(|| FeedbackDraft {
            to_org_id: to_org_id.unwrap_or_default(),
            category: category.unwrap_or(FeedbackCategory::Other),
            summary,
            evidence,
        })
    }
}

/// A response to a feedback item: its next step and what was done or planned.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct ResponseFields {
    #[schema(value_type = FeedbackStatus)]
    pub status: String,
    #[schema(max_length = 5000)]
    #[serde(default)]
    pub note: String,
}

impl ResponseFields {
    /// Checks the step against the item's current one: forward only, and a planned or taken
    /// action must be described.
    pub fn parse(&self, current: FeedbackStatus) -> Result<(FeedbackStatus, String), FieldErrors> {
        let mut errors = FieldErrors::default();
        let status = choice(
            &mut errors,
            "status",
            &self.status,
            FeedbackStatus::parse,
            "the next step",
        );
        let note = long_text(&mut errors, "note", &self.note, 5_000);
        if let Some(status) = status {
            if !current.next().contains(&status) {
                errors.add(
                    "status",
                    format!(
                        "This item is already '{}': choose a later step",
                        current.label()
                    ),
                );
            } else if matches!(status, FeedbackStatus::Planned | FeedbackStatus::Acted)
                && note.is_empty()
            {
                errors.add("note", "Say what is planned or what was done");
            }
        }
        errors.finish(|| (status.unwrap_or(FeedbackStatus::Closed), note))
    }
}

vocabulary! {
    /// What a goal measures. "Entered by hand" goals name their own measure; the others are
    /// computed from Tandem's data — add a variant and its line in [`Figures::value`] as
    /// placements, surveys and outcomes arrive.
    GoalMetric {
        Manual = "manual", "Entered by hand";
        FeedbackActed = "feedback_acted", "Share of feedback acted upon (%)";
        FeedbackResponse = "feedback_response_days", "Median days to a first response to feedback";
        OpenFeedback = "open_feedback", "Open feedback items";
        DistrictPartners = "district_partners", "District partners";
    }
}

/// A partnership's figures from Tandem's own data, for computed goals and data days.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Figures {
    pub district_partners: u32,
    pub feedback_items: u32,
    pub open_feedback: u32,
    pub feedback_acted_share: Option<f64>,
    pub median_response_days: Option<f64>,
}

impl Figures {
    /// The current value of a computed metric (`None` for hand-entered ones, or no data yet).
    pub fn value(&self, metric: GoalMetric) -> Option<f64> {
        match metric {
            GoalMetric::Manual => None,
            GoalMetric::FeedbackActed => self.feedback_acted_share,
            GoalMetric::FeedbackResponse => self.median_response_days,
            GoalMetric::OpenFeedback => Some(f64::from(self.open_feedback)),
            GoalMetric::DistrictPartners => Some(f64::from(self.district_partners)),
        }
    }
}

/// Figures from the feedback record: per item (raised at, first response at, acted upon, open).
pub fn figures(district_partners: u32, items: &[(i64, Option<i64>, bool, bool)]) -> Figures {
    let mut waits: Vec<i64> = items
        .iter()
        .filter_map(|(raised, first, _, _)| first.map(|f| f - raised))
        .collect();
    waits.sort_unstable();
    let acted = items.iter().filter(|i| i.2).count();
    Figures {
        district_partners,
        feedback_items: items.len() as u32,
        open_feedback: items.iter().filter(|i| i.3).count() as u32,
        feedback_acted_share: (!items.is_empty())
            .then(|| (acted as f64 * 1000.0 / items.len() as f64).round() / 10.0),
        median_response_days: waits
            .get(waits.len() / 2)
            .map(|s| (*s as f64 / 86_400.0 * 10.0).round() / 10.0),
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct GoalDraft {
    pub title: String,
    pub metric: GoalMetric,
    pub measure: String,
    pub unit: String,
    pub baseline: Option<f64>,
    pub target: f64,
    pub due_on: Option<Date>,
    pub owner_id: Option<i64>,
}

/// Raw goal fields.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct GoalFields {
    /// The goal in a sentence.
    pub title: String,
    /// A metric code; "manual" needs `measure`.
    #[serde(default)]
    pub metric: String,
    /// What is measured, for hand-entered goals.
    #[serde(default)]
    pub measure: String,
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    pub baseline: String,
    #[serde(default)]
    pub target: String,
    /// YYYY-MM-DD.
    #[serde(default)]
    pub due_on: String,
    #[serde(default)]
    pub owner_id: String,
}

/// An optional number; commas as thousands separators are accepted.
pub fn decimal(errors: &mut FieldErrors, field: &str, raw: &str) -> Option<f64> {
    let raw = raw.trim().replace(',', "");
    if raw.is_empty() {
        return None;
    }
    match raw.parse::<f64>() {
        Ok(v) if v.is_finite() && v.abs() < 1e12 => Some(v),
        _ => {
            errors.add(field, "Enter a number, like 12 or 85.5");
            None
        }
    }
}

impl GoalFields {
    pub fn parse(&self) -> Result<GoalDraft, FieldErrors> {
        let mut errors = FieldErrors::default();
        let title = long_text(&mut errors, "title", &self.title, 300);
        if title.is_empty() {
            errors.add("title", "Say what the goal is");
        }
        let target = decimal(&mut errors, "target", &self.target);
        let metric = if self.metric.trim().is_empty() {
            errors.add(
                "metric",
                if target.is_some() {
                    "Choose what the target measures"
                } else {
                    "Choose a metric"
                },
            );
            None
        } else {
            choice(
                &mut errors,
                "metric",
                &self.metric,
                GoalMetric::parse,
                "a metric",
            )
        };
        let measure = long_text(&mut errors, "measure", &self.measure, 200);
        if metric == Some(GoalMetric::Manual) && measure.is_empty() {
            errors.add("measure", "Name what is measured, like 'mentors trained'");
        }
        if target.is_none() && errors.get("target").is_none() {
            errors.add("target", "Enter the target value");
        }
        let unit = long_text(&mut errors, "unit", &self.unit, 40);
        let baseline = decimal(&mut errors, "baseline", &self.baseline);
        let due_on = date(&mut errors, "due_on", &self.due_on);
        let owner_id = match self.owner_id.trim() {
            "" => None,
            raw => id(&mut errors, "owner_id", raw, "the owner"),
        };
        errors.finish(|| GoalDraft {
            title,
            metric: metric.unwrap_or(GoalMetric::Manual),
            measure,
            unit,
            baseline,
            target: target.unwrap_or_default(),
            due_on,
            owner_id,
        })
    }
}

/// Progress on a hand-entered goal: a value measured on a date.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct ProgressFields {
    pub value: String,
    /// YYYY-MM-DD.
    pub measured_on: String,
    #[serde(default)]
    pub note: String,
}

impl ProgressFields {
    pub fn parse(&self) -> Result<(f64, Date, String), FieldErrors> {
        let mut errors = FieldErrors::default();
        let value = decimal(&mut errors, "value", &self.value);
        if value.is_none() && errors.get("value").is_none() {
            errors.add("value", "Enter the measured value");
        }
        let measured_on = date(&mut errors, "measured_on", &self.measured_on);
        if measured_on.is_none() && errors.get("measured_on").is_none() {
            errors.add("measured_on", "Enter the date it was measured");
        }
        let note = long_text(&mut errors, "note", &self.note, 1_000);
        errors.finish(|| {
            (
                value.unwrap_or_default(),
                measured_on.unwrap_or(Date::MIN),
                note,
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields() -> PartnershipFields {
        PartnershipFields {
            name: "Pine–Alder residency".into(),
            provider_id: "4".into(),
            district_ids: vec!["2".into(), "3".into(), "2".into()],
            status: "active".into(),
            starts_on: "2026-08-01".into(),
            review_on: "2027-06-30".into(),
        }
    }

    #[test]
    fn a_partnership_needs_a_district_and_dates_in_order() {
        let draft = fields().parse().unwrap();
        assert_eq!(draft.district_ids, vec![2, 3]);
        let wrong = PartnershipFields {
            district_ids: vec![],
            review_on: "2026-07-01".into(),
            starts_on: "2026-08-01".into(),
            ..fields()
        };
        let errors = wrong.parse().unwrap_err();
        assert!(errors.get("district_ids").is_some());
        assert_eq!(
            errors.get("review_on"),
            Some("The review date must be after the start date")
        );
        let bad_date = PartnershipFields {
            starts_on: "2026-02-30".into(),
            ..fields()
        };
        assert!(bad_date.parse().unwrap_err().get("starts_on").is_some());
    }

    #[test]
    fn a_goal_with_a_target_needs_a_metric() {
        let fields = GoalFields {
            title: "More mentors trained".into(),
            target: "40".into(),
            ..GoalFields::default()
        };
        assert_eq!(
            fields.parse().unwrap_err().get("metric"),
            Some("Choose what the target measures")
        );
        let manual = GoalFields {
            metric: "manual".into(),
            ..fields.clone()
        };
        assert!(manual.parse().unwrap_err().get("measure").is_some());
        let computed = GoalFields {
            metric: "feedback_acted".into(),
            target: "1,000".into(),
            ..fields
        };
        assert_eq!(computed.parse().unwrap().target, 1000.0);
        let figures = Figures {
            open_feedback: 2,
            ..Figures::default()
        };
        assert_eq!(figures.value(GoalMetric::OpenFeedback), Some(2.0));
        assert_eq!(figures.value(GoalMetric::Manual), None);
    }

    #[test]
    fn in_force_needs_every_party() {
        assert!(in_force(&[1, 2], &[2, 1]));
        assert!(!in_force(&[1, 2], &[1]));
        assert!(!in_force(&[], &[]));
    }

    #[test]
    fn the_diff_shows_added_and_removed_lines() {
        let lines = diff("a\nb\nc", "a\nB\nc");
        assert!(
            diff("a", "a\nb")
                .iter()
                .filter(|l| l.change != "same")
                .count()
                == 1
        );
        let changes: Vec<(&str, &str)> =
            lines.iter().map(|l| (l.change, l.text.as_str())).collect();
        assert_eq!(
            changes,
            vec![
                ("same", "a"),
                ("removed", "b"),
                ("added", "B"),
                ("same", "c")
            ]
        );
    }

    #[test]
    fn feedback_moves_forward_and_actions_are_described() {
        let respond = |status: &str, note: &str| ResponseFields {
            status: status.into(),
            note: note.into(),
        };
        assert!(
            respond("acknowledged", "")
                .parse(FeedbackStatus::Raised)
                .is_ok()
        );
        assert!(
            respond("planned", "")
                .parse(FeedbackStatus::Acknowledged)
                .unwrap_err()
                .get("note")
                .is_some()
        );
        assert!(
            respond("acknowledged", "")
                .parse(FeedbackStatus::Acted)
                .unwrap_err()
                .get("status")
                .is_some()
        );
        assert!(respond("closed", "").parse(FeedbackStatus::Raised).is_ok());
    }

    #[test]
    fn every_section_is_required_and_multi_line_text_is_kept() {
        let mut fields = AgreementFields::from_sections(&Sections::template(), Some(1));
        fields.roles = "Provider: a\r\nDistrict: b".into();
        let draft = fields.parse().unwrap();
        assert_eq!(draft.sections.get("roles"), "Provider: a\nDistrict: b");
        fields.vision = "  ".into();
        assert!(fields.parse().unwrap_err().get("vision").is_some());
    }
}
