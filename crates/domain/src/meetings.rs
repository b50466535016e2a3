//! Partnership meetings (agenda, attendees, notes, decisions; a "data day" keeps a snapshot of
//! the partnership's figures) and the action items that come out of meetings, feedback and
//! improvement cycles.

use serde::Deserialize;
use time::Date;
use utoipa::ToSchema;

use crate::input::{FieldErrors, choice, name};
use crate::partnerships::{date, long_text};

vocabulary! {
    /// A regular meeting, or a data day that looks at the partnership's figures together.
    MeetingKind {
        Regular = "regular", "Regular meeting";
        DataDay = "data_day", "Data day";
    }
}

vocabulary! {
    /// Where an action item stands.
    ActionStatus {
        Open = "open", "Open";
        Done = "done", "Done";
        Dropped = "dropped", "Dropped";
    }
}

/// Parses a list of ids chosen from a list (checkboxes, multiple select), without repeats.
pub fn ids(errors: &mut FieldErrors, field: &str, raw: &[String], what: &str) -> Vec<i64> {
    let mut ids = Vec::new();
    for value in raw.iter().map(|v| v.trim()).filter(|v| !v.is_empty()) {
        match value.parse::<i64>() {
            Ok(id) if id > 0 => {
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
            _ => {
                errors.add(field, format!("Select {what} from the list"));
                break;
            }
        }
    }
    ids
}

/// An optional id chosen from a list ("" is none).
pub fn optional_id(errors: &mut FieldErrors, field: &str, raw: &str, what: &str) -> Option<i64> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    match raw.parse::<i64>() {
        Ok(id) if id > 0 => Some(id),
        _ => {
            errors.add(field, format!("Select {what} from the list"));
            None
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct MeetingDraft {
    pub title: String,
    pub kind: MeetingKind,
    pub held_on: Date,
    pub location: String,
    pub agenda: String,
    pub notes: String,
    pub decisions: String,
    pub attendee_ids: Vec<i64>,
}

/// Raw meeting fields as a form or JSON body carries them.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct MeetingFields {
    pub title: String,
    pub kind: String,
    /// YYYY-MM-DD.
    pub held_on: String,
    #[serde(default)]
    pub location: String,
    #[serde(default)]
    pub agenda: String,
    #[serde(default)]
    pub notes: String,
    #[serde(default)]
    pub decisions: String,
    /// Ids of people of the partnership's parties who attend.
    #[serde(default)]
    pub attendee_ids: Vec<String>,
}

impl MeetingFields {
    pub fn parse(&self) -> Result<MeetingDraft, FieldErrors> {
        let mut errors = FieldErrors::default();
        let title = name(&mut errors, "title", &self.title);
        let kind = choice(
            &mut errors,
            "kind",
            &self.kind,
            MeetingKind::parse,
            "the kind of meeting",
        );
        let held_on = date(&mut errors, "held_on", &self.held_on);
        if held_on.is_none() && errors.get("held_on").is_none() {
            errors.add("held_on", "Enter the date of the meeting");
        }
        let location = long_text(&mut errors, "location", &self.location, 200);
        let agenda = long_text(&mut errors, "agenda", &self.agenda, 10_000);
        let notes = long_text(&mut errors, "notes", &self.notes, 20_000);
        let decisions = long_text(&mut errors, "decisions", &self.decisions, 10_000);
        let attendee_ids = ids(&mut errors, "attendee_ids", &self.attendee_ids, "attendees");
        errors.finish(|| MeetingDraft {
            title,
            kind: kind.unwrap_or(MeetingKind::Regular),
            held_on: held_on.unwrap_or(Date::MIN),
            location,
            agenda,
            notes,
            decisions,
            attendee_ids,
        })
    }
}

/// What an action item hangs off: a meeting, a feedback item or an improvement cycle (or
/// nothing: the partnership itself).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ActionSource {
    pub meeting_id: Option<i64>,
    pub feedback_id: Option<i64>,
    pub cycle_id: Option<i64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ActionDraft {
    pub title: String,
    pub owner_id: Option<i64>,
    pub due_on: Option<Date>,
    pub source: ActionSource,
}

/// Raw fields of a new action item.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ActionFields {
    #[schema(min_length = 1, max_length = 500)]
    pub title: String,
    /// A person's id, or empty.
    #[serde(default)]
    #[schema(pattern = "^([1-9][0-9]*)?$")]
    pub owner_id: String,
    /// YYYY-MM-DD, or empty.
    #[serde(default)]
    #[schema(pattern = "^([0-9]{4}-[0-9]{2}-[0-9]{2})?$")]
    pub due_on: String,
    #[serde(default)]
    #[schema(pattern = "^([1-9][0-9]*)?$")]
    pub meeting_id: String,
    #[serde(default)]
    #[schema(pattern = "^([1-9][0-9]*)?$")]
    pub feedback_id: String,
    #[serde(default)]
    #[schema(pattern = "^([1-9][0-9]*)?$")]
    pub cycle_id: String,
}

impl ActionFields {
    pub fn parse(&self) -> Result<ActionDraft, FieldErrors> {
        let mut errors = FieldErrors::default();
        let title = long_text(&mut errors, "title", &self.title, 500);
        if title.is_empty() {
            errors.add("title", "Say what is to be done");
        }
        let owner_id = optional_id(&mut errors, "owner_id", &self.owner_id, "the owner");
        let due_on = date(&mut errors, "due_on", &self.due_on);
        let source = ActionSource {
            meeting_id: optional_id(&mut errors, "meeting_id", &self.meeting_id, "a meeting"),
            feedback_id: optional_id(&mut errors, "feedback_id", &self.feedback_id, "feedback"),
            cycle_id: optional_id(&mut errors, "cycle_id", &self.cycle_id, "a cycle"),
        };
        errors.finish(|| ActionDraft {
            title,
            owner_id,
            due_on,
            source,
        })
    }
}

/// A change of an action item's status.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ActionStatusFields {
    pub status: String,
}

impl ActionStatusFields {
    pub fn parse(&self) -> Result<ActionStatus, FieldErrors> {
        let mut errors = FieldErrors::default();
        let status = choice(
            &mut errors,
            "status",
            &self.status,
            ActionStatus::parse,
            "a status",
        );
        errors.finish(|| status.unwrap_or(ActionStatus::Open))
    }
}

/// Overdue: still open after its due date.
pub fn overdue(status: &str, due_on: Option<&str>, today: Date) -> bool {
    status == ActionStatus::Open.code() && due_on.is_some_and(|d| d < today.to_string().as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_meeting_needs_a_date_and_known_attendees() {
        let fields = MeetingFields {
            title: "Fall meeting".into(),
            kind: "data_day".into(),
            held_on: "2027-02-30".into(),
            attendee_ids: vec!["3".into(), "x".into()],
            ..MeetingFields::default()
        };
        let errors = fields.parse().unwrap_err();
        assert!(errors.get("held_on").is_some());
        assert!(errors.get("attendee_ids").is_some());
        let ok = MeetingFields {
            held_on: "2027-02-03".into(),
            attendee_ids: vec!["3".into(), "3".into(), "".into()],
            ..fields
        };
        let draft = ok.parse().unwrap();
        assert_eq!(draft.attendee_ids, vec![3]);
        assert_eq!(draft.kind, MeetingKind::DataDay);
    }

    #[test]
    fn only_open_items_past_their_date_are_overdue() {
        let today = time::macros::date!(2027 - 03 - 10);
        assert!(overdue("open", Some("2027-03-09"), today));
        assert!(!overdue("open", Some("2027-03-10"), today));
        assert!(!overdue("done", Some("2027-01-01"), today));
        assert!(!overdue("open", None, today));
    }
}
