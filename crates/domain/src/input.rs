//! Parsing what people and programs send into values that are valid by construction.
//! Every parser collects all problems at once, named by field, so a form can show each next to
//! its input and an API can return them in one problem body.

use serde::Serialize;
use utoipa::ToSchema;

use crate::values::{GradeBand, LicensureArea, OrgKind, Pathway, Role};

/// One problem with one field, in words the person can act on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

/// All the problems found in one submission.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldErrors(pub Vec<FieldError>);

impl FieldErrors {
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0.push(FieldError {
            field: field.to_owned(),
            message: message.into(),
        });
    }

    pub fn single(field: &str, message: impl Into<String>) -> Self {
        let mut errors = Self::default();
        errors.add(field, message);
        errors
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The message for a field, for showing it next to the input.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }

    /// `Ok(value)` when nothing was wrong.
    pub fn finish<T>(self, value: impl FnOnce() -> T) -> Result<T, FieldErrors> {
        if self.is_empty() {
            Ok(value())
        } else {
            Err(self)
        }
    }
}

impl std::fmt::Display for FieldErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<String> = self
            .0
            .iter()
            .map(|e| format!("{}: {}", e.field, e.message))
            .collect();
        f.write_str(&parts.join("; "))
    }
}

impl std::error::Error for FieldErrors {}

/// A trimmed, non-empty name of at most 200 characters.
pub fn name(errors: &mut FieldErrors, field: &str, raw: &str) -> String {
    let value = raw.trim();
    if value.is_empty() {
        errors.add(field, "Enter a name");
    } else if value.chars().count() > 200 {
        errors.add(field, "Name must be 200 characters or fewer");
    } else if value.chars().any(char::is_control) {
        errors.add(field, "Name must not contain control characters");
    }
    value.to_owned()
}

/// An optional free-text field: trimmed, empty becomes `None`.
pub fn optional_text(
    errors: &mut FieldErrors,
    field: &str,
    raw: Option<&str>,
    max: usize,
) -> Option<String> {
    let value = raw.map(str::trim).filter(|v| !v.is_empty())?;
    if value.chars().count() > max {
        errors.add(field, format!("Must be {max} characters or fewer"));
    } else if value.chars().any(char::is_control) {
        errors.add(field, "Must not contain control characters");
    }
    Some(value.to_owned())
}

/// An optional whole number in `range`: empty becomes `None`; anything else out of it is
/// `problem` next to the field.
pub fn optional_whole(
    errors: &mut FieldErrors,
    field: &str,
    raw: &str,
    range: std::ops::RangeInclusive<u32>,
    problem: &str,
) -> Option<u32> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    let value = raw.parse::<u32>().ok().filter(|v| range.contains(v));
    if value.is_none() {
        errors.add(field, problem);
    }
    value
}

/// An e-mail address, lower-cased so that sign-in does not depend on case.
pub fn email(errors: &mut FieldErrors, field: &str, raw: &str) -> String {
    let value = raw.trim().to_lowercase();
    let valid = value.len() <= 254
        && !value.chars().any(|c| c.is_whitespace() || c.is_control())
        && value.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        });
    if value.is_empty() {
        errors.add(field, "Enter an e-mail address");
    } else if !valid {
        errors.add(
            field,
            "Enter an e-mail address in the right format, like name@example.org",
        );
    }
    value
}

/// Common passwords, rejected per TRUST.md (no composition rules, but no "password1").
const COMMON_PASSWORDS: &str = include_str!("common-passwords.txt");

/// A password: 8 to 256 characters and not a common one.
pub fn password(errors: &mut FieldErrors, field: &str, raw: &str) -> String {
    let length = raw.chars().count();
    if length < 8 {
        errors.add(field, "Password must be at least 8 characters");
    } else if length > 256 {
        errors.add(field, "Password must be 256 characters or fewer");
    } else if COMMON_PASSWORDS
        .lines()
        .any(|common| common.eq_ignore_ascii_case(raw))
    {
        errors.add(
            field,
            "This password is too common. Choose one that is harder to guess",
        );
    }
    raw.to_owned()
}

/// A two-letter U.S. state or territory code, upper-cased.
pub fn state_code(errors: &mut FieldErrors, field: &str, raw: Option<&str>) -> Option<String> {
    let value = raw.map(str::trim).filter(|v| !v.is_empty())?.to_uppercase();
    if value.len() != 2 || !value.chars().all(|c| c.is_ascii_uppercase()) {
        errors.add(field, "Enter a two-letter state code, like MI");
    }
    Some(value)
}

/// A five-digit ZIP code, optionally with the four-digit suffix.
pub fn zip(errors: &mut FieldErrors, field: &str, raw: Option<&str>) -> Option<String> {
    let value = raw.map(str::trim).filter(|v| !v.is_empty())?;
    let digits = |s: &str, n: usize| s.len() == n && s.chars().all(|c| c.is_ascii_digit());
    let valid = match value.split_once('-') {
        Some((five, four)) => digits(five, 5) && digits(four, 4),
        None => digits(value, 5),
    };
    if !valid {
        errors.add(field, "Enter a ZIP code like 48201 or 48201-1234");
    }
    Some(value.to_owned())
}

/// One value of a vocabulary, required.
pub fn choice<T>(
    errors: &mut FieldErrors,
    field: &str,
    raw: &str,
    parse: fn(&str) -> Option<T>,
    what: &str,
) -> Option<T> {
    if raw.trim().is_empty() {
        errors.add(field, format!("Select {what}"));
        return None;
    }
    let value = parse(raw);
    if value.is_none() {
        errors.add(field, format!("Select {what} from the list"));
    }
    value
}

/// An id of a record chosen from a list.
pub fn id(errors: &mut FieldErrors, field: &str, raw: &str, what: &str) -> Option<i64> {
    match raw.trim().parse::<i64>() {
        Ok(value) if value > 0 => Some(value),
        _ if raw.trim().is_empty() => {
            errors.add(field, format!("Select {what}"));
            None
        }
        _ => {
            errors.add(field, format!("Select {what} from the list"));
            None
        }
    }
}

/// What may be set on an organization by hand. NCES facts (enrolment, lunch counts…) come only
/// from the import.
#[derive(Debug, Clone, PartialEq)]
pub struct OrgDraft {
    pub kind: OrgKind,
    pub name: String,
    pub parent_id: Option<i64>,
    pub state_code: Option<String>,
    pub street: Option<String>,
    pub city: Option<String>,
    pub zip: Option<String>,
    pub phone: Option<String>,
}

/// Raw organization fields as a form or JSON body carries them.
#[derive(Debug, Clone, Default, serde::Deserialize, ToSchema)]
pub struct OrgFields {
    pub kind: String,
    pub name: String,
    #[serde(default)]
    pub parent_id: Option<String>,
    #[serde(default)]
    pub state_code: Option<String>,
    #[serde(default)]
    pub street: Option<String>,
    #[serde(default)]
    pub city: Option<String>,
    #[serde(default)]
    pub zip: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
}

impl OrgFields {
    pub fn parse(&self) -> Result<OrgDraft, FieldErrors> {
        let mut errors = FieldErrors::default();
        let kind = choice(
            &mut errors,
            "kind",
            &self.kind,
            OrgKind::parse,
            "the kind of organization",
        );
        let name = name(&mut errors, "name", &self.name);
        let parent_raw = self
            .parent_id
            .as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty());
        let parent_id = match (kind, parent_raw) {
            (Some(OrgKind::School), None) => {
                errors.add("parent_id", "Select the district this school belongs to");
                None
            }
            (Some(OrgKind::School), Some(raw)) => id(&mut errors, "parent_id", raw, "the district"),
            (_, Some(_)) => {
                errors.add("parent_id", "Only a school belongs to a district");
                None
            }
            (_, None) => None,
        };
        let state_code = state_code(&mut errors, "state_code", self.state_code.as_deref());
        if kind == Some(OrgKind::StateAgency) && state_code.is_none() {
            errors.add("state_code", "Enter the state this agency oversees");
        }
        let street = optional_text(&mut errors, "street", self.street.as_deref(), 200);
        let city = optional_text(&mut errors, "city", self.city.as_deref(), 100);
        let zip = zip(&mut errors, "zip", self.zip.as_deref());
        let phone = optional_text(&mut errors, "phone", self.phone.as_deref(), 40);
        errors.finish(|| OrgDraft {
            kind: kind.unwrap_or(OrgKind::School),
            name,
            parent_id,
            state_code,
            street,
            city,
            zip,
            phone,
        })
    }
}

/// A program of a provider.
#[derive(Debug, Clone, PartialEq)]
pub struct ProgramDraft {
    pub provider_id: i64,
    pub name: String,
    pub areas: Vec<LicensureArea>,
    pub grade_band: GradeBand,
    pub pathway: Pathway,
}

#[derive(Debug, Clone, Default, serde::Deserialize, ToSchema)]
pub struct ProgramFields {
    pub provider_id: String,
    pub name: String,
    /// Licensure area codes.
    #[serde(default)]
    pub areas: Vec<String>,
    pub grade_band: String,
    pub pathway: String,
}

impl ProgramFields {
    pub fn parse(&self) -> Result<ProgramDraft, FieldErrors> {
        let mut errors = FieldErrors::default();
        let provider_id = id(
            &mut errors,
            "provider_id",
            &self.provider_id,
            "the provider",
        );
        let name = name(&mut errors, "name", &self.name);
        let mut areas = Vec::new();
        for raw in &self.areas {
            match LicensureArea::parse(raw) {
                Some(area) if !areas.contains(&area) => areas.push(area),
                Some(_) => {}
                None => errors.add("areas", format!("'{raw}' is not a licensure area")),
            }
        }
        if self.areas.is_empty() {
            errors.add("areas", "Select at least one licensure area");
        }
        areas.sort();
        let grade_band = choice(
            &mut errors,
            "grade_band",
            &self.grade_band,
            GradeBand::parse,
            "a grade band",
        );
        let pathway = choice(
            &mut errors,
            "pathway",
            &self.pathway,
            Pathway::parse,
            "a pathway",
        );
        errors.finish(|| ProgramDraft {
            provider_id: provider_id.unwrap_or_default(),
            name,
            areas,
            grade_band: grade_band.unwrap_or(GradeBand::Elementary),
            pathway: pathway.unwrap_or(Pathway::Traditional),
        })
    }
}

/// A person's own details. A password is set only when given.
#[derive(Debug, Clone, PartialEq)]
pub struct PersonDraft {
    pub name: String,
    pub email: Option<String>,
    pub password: Option<String>,
}

#[derive(Debug, Clone, Default, serde::Deserialize, ToSchema)]
pub struct PersonFields {
    pub name: String,
    #[serde(default)]
    pub email: Option<String>,
    /// Sets the sign-in password (at least 8 characters); leave out to keep it.
    #[serde(default)]
    pub password: Option<String>,
}

impl PersonFields {
    pub fn parse(&self) -> Result<PersonDraft, FieldErrors> {
        let mut errors = FieldErrors::default();
        let name = name(&mut errors, "name", &self.name);
        let email = self
            .email
            .as_deref()
            .filter(|e| !e.trim().is_empty())
            .map(|raw| email(&mut errors, "email", raw));
        let password = self
            .password
            .as_deref()
            .filter(|p| !p.is_empty())
            .map(|raw| password(&mut errors, "password", raw));
        if password.is_some() && email.is_none() {
            errors.add(
                "email",
                "Enter an e-mail address: it is what the person signs in with",
            );
        }
        errors.finish(|| PersonDraft {
            name,
            email,
            password,
        })
    }
}

/// A person's role in an organization.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MembershipDraft {
    pub person_id: i64,
    pub org_id: i64,
    pub role: Role,
}

#[derive(Debug, Clone, Default, serde::Deserialize, ToSchema)]
pub struct MembershipFields {
    pub person_id: String,
    pub org_id: String,
    pub role: String,
}

impl MembershipFields {
    pub fn parse(&self) -> Result<MembershipDraft, FieldErrors> {
        let mut errors = FieldErrors::default();
        let person_id = id(&mut errors, "person_id", &self.person_id, "the person");
        let org_id = id(&mut errors, "org_id", &self.org_id, "the organization");
        let role = choice(&mut errors, "role", &self.role, Role::parse, "a role");
        errors.finish(|| MembershipDraft {
            person_id: person_id.unwrap_or_default(),
            org_id: org_id.unwrap_or_default(),
            role: role.unwrap_or(Role::Candidate),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_is_lowercased_and_checked() {
        let mut errors = FieldErrors::default();
        assert_eq!(
            email(&mut errors, "email", " Ana@Example.ORG "),
            "ana@example.org"
        );
        assert!(errors.is_empty());
        for bad in [
            "ana",
            "ana@",
            "@x.org",
            "a b@x.org",
            "ana@x",
            "a@b@c.org",
            "ana@.org",
        ] {
            let mut errors = FieldErrors::default();
            email(&mut errors, "email", bad);
            assert!(errors.get("email").is_some(), "{bad} should be rejected");
        }
    }

    #[test]
    fn passwords_need_length_and_must_not_be_common() {
        let check = |raw: &str| {
            let mut errors = FieldErrors::default();
            password(&mut errors, "password", raw);
            errors.get("password").map(str::to_owned)
        };
        assert!(check("short").is_some());
        assert!(check("password").is_some());
        assert!(check("Password1").is_some());
        assert!(check("correct horse battery staple").is_none());
        assert!(check(&"x".repeat(100)).is_none());
    }

    #[test]
    fn a_school_needs_its_district_and_others_do_not_take_one() {
        let school = OrgFields {
            kind: "school".into(),
            name: "Lincoln".into(),
            ..Default::default()
        };
        assert!(school.parse().unwrap_err().get("parent_id").is_some());
        let district = OrgFields {
            kind: "district".into(),
            name: "Detroit".into(),
            parent_id: Some("4".into()),
            ..Default::default()
        };
        assert!(district.parse().unwrap_err().get("parent_id").is_some());
    }

    #[test]
    fn all_problems_are_reported_at_once() {
        let fields = OrgFields {
            kind: "castle".into(),
            name: " ".into(),
            zip: Some("123".into()),
            state_code: Some("Michigan".into()),
            ..Default::default()
        };
        let errors = fields.parse().unwrap_err();
        for field in ["kind", "name", "zip", "state_code"] {
            assert!(errors.get(field).is_some(), "{field}");
        }
    }

    #[test]
    fn a_program_needs_known_areas() {
        let fields = ProgramFields {
            provider_id: "3".into(),
            name: "Elementary MAT".into(),
            areas: vec!["elementary".into(), "alchemy".into()],
            grade_band: "elementary".into(),
            pathway: "residency".into(),
        };
        assert!(fields.parse().unwrap_err().get("areas").is_some());
    }
}
