//! The closed vocabularies of the directory: each is stored and sent as its `code`,
//! shown to people as its `label`.

/// Declares an enum whose variants each have a stable code (storage, API, CSV) and a label (pages).
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $code:literal, $label:literal;)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, ::serde::Serialize, ::serde::Deserialize, ::utoipa::ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }

            pub fn parse(code: &str) -> Option<Self> {
                match code.trim() { $($code => Some($name::$variant),)+ _ => None }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.label())
            }
        }
    };
}

vocabulary! {
    /// What an organization is.
    OrgKind {
        StateAgency = "state_agency", "State agency";
        District = "district", "District";
        School = "school", "School";
        Provider = "provider", "Preparation provider";
    }
}

vocabulary! {
    /// What a person does in an organization. Access follows from these (see `access`).
    Role {
        Admin = "admin", "Administrator";
        Coordinator = "coordinator", "Placement coordinator";
        PartnershipLead = "partnership_lead", "Partnership lead";
        Principal = "principal", "Principal";
        Mentor = "mentor", "Mentor teacher";
        Supervisor = "supervisor", "Program supervisor";
        Candidate = "candidate", "Candidate";
        DataLead = "data_lead", "Data lead";
        StateReviewer = "state_reviewer", "State reviewer";
    }
}

vocabulary! {
    /// The grades a program prepares for or a teacher teaches.
    GradeBand {
        EarlyChildhood = "early_childhood", "Early childhood (PK–3)";
        Elementary = "elementary", "Elementary (K–6)";
        Middle = "middle", "Middle (5–9)";
        Secondary = "secondary", "Secondary (7–12)";
        AllGrades = "all_grades", "All grades (PK–12)";
    }
}

vocabulary! {
    /// How a program brings candidates into teaching.
    Pathway {
        Traditional = "traditional", "Traditional";
        Residency = "residency", "Residency";
        Alternative = "alternative", "Alternative";
    }
}

vocabulary! {
    /// Licensure (certification) areas.
    LicensureArea {
        EarlyChildhood = "early_childhood", "Early childhood";
        Elementary = "elementary", "Elementary";
        English = "english", "English language arts";
        Mathematics = "mathematics", "Mathematics";
        Science = "science", "Science";
        SocialStudies = "social_studies", "Social studies";
        SpecialEducation = "special_education", "Special education";
        EnglishLearners = "english_learners", "English learners";
        WorldLanguages = "world_languages", "World languages";
        Arts = "arts", "Visual and performing arts";
        PhysicalEducation = "physical_education", "Physical education and health";
        ComputerScience = "computer_science", "Computer science";
        CareerTechnical = "career_technical", "Career and technical education";
    }
}

/// Licensure areas are stored as a comma-separated list of codes.
pub fn areas_to_codes(areas: &[LicensureArea]) -> String {
    areas.iter().map(|a| a.code()).collect::<Vec<_>>().join(",")
}

/// Reads a stored list back; unknown codes (from a newer version) are skipped, not fatal.
pub fn areas_from_codes(codes: &str) -> Vec<LicensureArea> {
    codes.split(',').filter_map(LicensureArea::parse).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_parses_back_to_its_variant() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.code()), Some(*role));
        }
        for kind in OrgKind::ALL {
            assert_eq!(OrgKind::parse(kind.code()), Some(*kind));
        }
        assert_eq!(Role::parse("superuser"), None);
    }

    #[test]
    fn areas_round_trip_through_codes() {
        let areas = vec![LicensureArea::Mathematics, LicensureArea::SpecialEducation];
        assert_eq!(areas_from_codes(&areas_to_codes(&areas)), areas);
        assert!(areas_from_codes("").is_empty());
    }
}
