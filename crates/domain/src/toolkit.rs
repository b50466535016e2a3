//! The toolkit: templates (meeting agendas, agreement and data-sharing sections, an observation
//! form outline) and questions to consider per focus area. Tandem ships its own
//! (`data/toolkit.toml`); organizations add their own; a partnership attaches what it uses.

use serde::Deserialize;
use utoipa::ToSchema;

use crate::input::{FieldErrors, choice, name};
use crate::partnerships::long_text;

vocabulary! {
    /// What a toolkit item is.
    ToolKind {
        Agenda = "agenda", "Meeting agenda";
        AgreementSection = "agreement_section", "Agreement section";
        DataSharing = "data_sharing", "Data-sharing section";
        ObservationOutline = "observation_outline", "Observation form outline";
        Questions = "questions", "Questions to consider";
    }
}

vocabulary! {
    /// The focus areas of clinical practice the toolkit is organized by.
    FocusArea {
        Partnerships = "partnerships", "Strong district–program partnerships";
        Matches = "matches", "Candidate–mentor matches";
        Training = "training", "Mentor and supervisor training";
        Sites = "sites", "Placement sites";
        Skills = "skills", "Candidates' skill development";
        Data = "data", "Data and outcomes";
    }
}

/// One item of Tandem's own toolkit.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct BuiltinTool {
    pub slug: String,
    pub kind: ToolKind,
    pub focus: FocusArea,
    pub title: String,
    pub body: String,
}

#[derive(Deserialize)]
struct ToolkitFile {
    item: Vec<BuiltinTool>,
}

/// Tandem's own toolkit items, from the file compiled into the binary.
pub fn builtin() -> Result<Vec<BuiltinTool>, String> {
    let file: ToolkitFile = toml::from_str(include_str!("../data/toolkit.toml"))
        .map_err(|e| format!("data/toolkit.toml: {e}"))?;
    Ok(file.item)
}

#[derive(Debug, Clone, PartialEq)]
pub struct ToolDraft {
    pub kind: ToolKind,
    pub focus: FocusArea,
    pub title: String,
    pub body: String,
}

/// Raw fields of an organization's own toolkit item.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ToolFields {
    pub kind: String,
    pub focus: String,
    pub title: String,
    pub body: String,
}

impl ToolFields {
    pub fn parse(&self) -> Result<ToolDraft, FieldErrors> {
        let mut errors = FieldErrors::default();
        let kind = choice(&mut errors, "kind", &self.kind, ToolKind::parse, "a kind");
        let focus = choice(
            &mut errors,
            "focus",
            &self.focus,
            FocusArea::parse,
            "a focus area",
        );
        let title = name(&mut errors, "title", &self.title);
        let body = long_text(&mut errors, "body", &self.body, 20_000);
        if body.is_empty() {
            errors.add("body", "Write the template or the questions");
        }
        errors.finish(|| ToolDraft {
            kind: kind.unwrap_or(ToolKind::Questions),
            focus: focus.unwrap_or(FocusArea::Partnerships),
            title,
            body,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_toolkit_covers_every_focus_area_and_kind() {
        let items = builtin().unwrap();
        for focus in FocusArea::ALL {
            assert!(
                items
                    .iter()
                    .any(|i| i.focus == *focus && i.kind == ToolKind::Questions),
                "no questions for {focus}"
            );
        }
        for kind in ToolKind::ALL {
            assert!(items.iter().any(|i| i.kind == *kind), "no {kind}");
        }
        let mut slugs: Vec<_> = items.iter().map(|i| &i.slug).collect();
        slugs.dedup();
        assert_eq!(slugs.len(), items.len());
    }
}
