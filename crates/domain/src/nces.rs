//! Reading the NCES Common Core of Data school directory (one row per school, with EDGE
//! geocodes), as published for every state in `shared/data/nces/`.
//!
//! Columns are found by their header, so column order does not matter. Missing values are
//! written `†`, `–` or left empty: they become `None` (unknown), never zero.

use std::io::Read;

/// One school row, with its district.
#[derive(Debug, Clone, PartialEq)]
pub struct NcesSchool {
    pub nces_id: String,
    pub state_school_id: Option<String>,
    pub district_nces_id: String,
    pub district_name: String,
    pub name: String,
    pub county: Option<String>,
    pub street: Option<String>,
    pub city: Option<String>,
    pub state_code: String,
    pub zip: Option<String>,
    pub phone: Option<String>,
    pub low_grade: Option<String>,
    pub high_grade: Option<String>,
    pub locale: Option<String>,
    pub charter: Option<bool>,
    pub school_type: Option<String>,
    pub status: Option<String>,
    pub students: Option<i64>,
    pub teachers_fte: Option<f64>,
    pub free_lunch: Option<i64>,
    pub reduced_lunch: Option<i64>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
}

/// A school is high-needs when at least this share of its students is eligible for free or
/// reduced-price lunch — the poverty proxy most state teacher-preparation rules use.
pub const HIGH_NEEDS_FRL_SHARE: f64 = 0.5;

impl NcesSchool {
    /// `Some(true)` when free + reduced-price lunch ≥ 50 % of students; `None` when any of the
    /// three counts is unknown or the school reports no students.
    pub fn high_needs(&self) -> Option<bool> {
        let students = self.students.filter(|s| *s > 0)?;
        let eligible = self.free_lunch? + self.reduced_lunch?;
        Some(eligible as f64 >= HIGH_NEEDS_FRL_SHARE * students as f64)
    }
}

/// Where and why a file could not be read: `line` is the 1-based line in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub line: u64,
    pub field: String,
    pub problem: String,
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}: {}", self.line, self.field, self.problem)
    }
}

const GRADES: &[&str] = &[
    "PK", "TK", "KG", "01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12", "13",
    "UG", "AE",
];

struct Columns {
    nces_id: usize,
    district_nces_id: usize,
    name: usize,
    district_name: usize,
    state: usize,
    optional: [Option<usize>; 18],
}

const OPTIONAL: [&str; 18] = [
    "State School ID",
    "County Name*",
    "Street Address",
    "City",
    "ZIP",
    "Phone",
    "Low Grade*",
    "High Grade*",
    "Locale*",
    "Charter",
    "Type",
    "Status",
    "Students*",
    "Teachers*",
    "Free Lunch*",
    "Reduced Lunch*",
    "Latitude",
    "Longitude",
];

impl Columns {
    fn find(headers: &csv::StringRecord) -> Result<Self, RowError> {
        let position = |name: &str| {
            headers
                .iter()
                .position(|h| h.trim().trim_start_matches('\u{feff}') == name)
        };
        let required = |name: &str| {
            position(name).ok_or_else(|| RowError {
                line: 1,
                field: name.to_owned(),
                problem: "column is missing from the header".to_owned(),
            })
        };
        Ok(Columns {
            nces_id: required("NCES School ID")?,
            district_nces_id: required("NCES District ID")?,
            name: required("School Name")?,
            district_name: required("District")?,
            state: required("State")?,
            optional: OPTIONAL.map(position),
        })
    }
}

/// Reads every row, calling `progress` with the number of rows read so far every 1,000 rows.
/// The first malformed row stops the read.
pub fn read_schools<R: Read>(
    input: R,
    mut progress: impl FnMut(usize),
) -> Result<Vec<NcesSchool>, RowError> {
    let mut reader = csv::ReaderBuilder::new().flexible(false).from_reader(input);
    let headers = reader.headers().map_err(|e| csv_error(1, e))?.clone();
    let columns = Columns::find(&headers)?;
    let mut schools = Vec::new();
    let mut record = csv::StringRecord::new();
    loop {
        let line = reader.position().line();
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => return Err(csv_error(line, e)),
        }
        let line = record.position().map_or(line, |p| p.line());
        schools.push(
            Row {
                record: &record,
                headers: &headers,
                line,
            }
            .school(&columns)?,
        );
        if schools.len() % 1000 == 0 {
            progress(schools.len());
        }
    }
    progress(schools.len());
    Ok(schools)
}

fn csv_error(line: u64, error: csv::Error) -> RowError {
    let line = error.position().map_or(line, |p| p.line());
    let problem = match error.kind() {
        csv::ErrorKind::Utf8 { .. } => "is not valid UTF-8 text".to_owned(),
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => {
            format!("row has {len} fields but the header has {expected_len}")
        }
        _ => error.to_string(),
    };
    RowError {
        line,
        field: "row".to_owned(),
        problem,
    }
}

struct Row<'a> {
    record: &'a csv::StringRecord,
    headers: &'a csv::StringRecord,
    line: u64,
}

impl Row<'_> {
    fn error(&self, column: usize, problem: impl Into<String>) -> RowError {
        RowError {
            line: self.line,
            field: self.headers.get(column).unwrap_or("?").to_owned(),
            problem: problem.into(),
        }
    }

    /// The cell's text, or `None` when it is empty or one of NCES's "unknown" marks.
    fn text(&self, column: Option<usize>) -> Option<&str> {
        let value = self.record.get(column?)?.trim();
        match value {
            "" | "†" | "–" | "-" | "‡" => None,
            _ => Some(value),
        }
    }

    fn required(&self, column: usize) -> Result<String, RowError> {
        self.text(Some(column))
            .map(str::to_owned)
            .ok_or_else(|| self.error(column, "is empty"))
    }

    fn digits(&self, column: usize, length: usize) -> Result<String, RowError> {
        let value = self.required(column)?;
        if value.len() == length && value.chars().all(|c| c.is_ascii_digit()) {
            Ok(value)
        } else {
            Err(self.error(column, format!("'{value}' is not a {length}-digit NCES id")))
        }
    }

    fn number(&self, column: Option<usize>, min: f64, max: f64) -> Result<Option<f64>, RowError> {
        let (Some(index), Some(value)) = (column, self.text(column)) else {
            return Ok(None);
        };
        match value.parse::<f64>() {
            Ok(n) if n.is_finite() && (min..=max).contains(&n) => Ok(Some(n)),
            Ok(_) => Err(self.error(index, format!("{value} is outside {min}..{max}"))),
            Err(_) => Err(self.error(index, format!("'{value}' is not a number"))),
        }
    }

    fn count(&self, column: Option<usize>) -> Result<Option<i64>, RowError> {
        Ok(self
            .number(column, 0.0, 10_000_000.0)?
            .map(|n| n.round() as i64))
    }

    fn grade(&self, column: Option<usize>) -> Result<Option<String>, RowError> {
        let (Some(index), Some(value)) = (column, self.text(column)) else {
            return Ok(None);
        };
        if GRADES.contains(&value) {
            Ok(Some(value.to_owned()))
        } else {
            Err(self.error(
                index,
                format!("'{value}' is not a grade (PK, KG, 01–13, UG, AE)"),
            ))
        }
    }

    fn yes_no(&self, column: Option<usize>) -> Result<Option<bool>, RowError> {
        let (Some(index), Some(value)) = (column, self.text(column)) else {
            return Ok(None);
        };
        match value {
            "Yes" => Ok(Some(true)),
            "No" => Ok(Some(false)),
            _ => Err(self.error(index, format!("'{value}' is not Yes or No"))),
        }
    }

    fn school(&self, c: &Columns) -> Result<NcesSchool, RowError> {
        let o = &c.optional;
        let text = |i: usize| self.text(o[i]).map(str::to_owned);
        let state_code = self.required(c.state)?;
        if state_code.len() != 2 || !state_code.chars().all(|ch| ch.is_ascii_uppercase()) {
            return Err(self.error(
                c.state,
                format!("'{state_code}' is not a two-letter state code"),
            ));
        }
        let latitude = self.number(o[16], -90.0, 90.0)?;
        let longitude = self.number(o[17], -180.0, 180.0)?;
        Ok(NcesSchool {
            nces_id: self.digits(c.nces_id, 12)?,
            district_nces_id: self.digits(c.district_nces_id, 7)?,
            name: self.required(c.name)?,
            district_name: self.required(c.district_name)?,
            state_code,
            state_school_id: text(0),
            county: text(1),
            street: text(2),
            city: text(3),
            zip: text(4),
            phone: text(5),
            low_grade: self.grade(o[6])?,
            high_grade: self.grade(o[7])?,
            // Florida marks some locales "N" (not applicable).
            locale: text(8).filter(|l| l != "N"),
            charter: self.yes_no(o[9])?,
            school_type: text(10),
            status: text(11),
            students: self.count(o[12])?,
            teachers_fte: self.number(o[13], 0.0, 100_000.0)?,
            free_lunch: self.count(o[14])?,
            reduced_lunch: self.count(o[15])?,
            // A point needs both coordinates; half a point is unknown.
            latitude: latitude.zip(longitude).map(|(lat, _)| lat),
            longitude: latitude.zip(longitude).map(|(_, lon)| lon),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "NCES School ID,State School ID,NCES District ID,State District ID,Low Grade*,High Grade*,School Name,District,County Name*,Street Address,City,State,ZIP,ZIP 4-digit,Phone,Locale Code*,Locale*,Charter,Students*,Teachers*,Student Teacher Ratio*,Free Lunch*,Reduced Lunch*,Directly Certified*,Type,Status,Latitude,Longitude";

    fn read(rows: &[&str]) -> Result<Vec<NcesSchool>, RowError> {
        let text = std::iter::once(HEADER)
            .chain(rows.iter().copied())
            .collect::<Vec<_>>()
            .join("\n");
        read_schools(text.as_bytes(), |_| {})
    }

    const PORTAGE: &str = "262895007802,MI-39140-09848,2628950,MI-39140,PK,05,12th Street Elementary,Portage Public Schools,Kalamazoo County,6501 SOUTH 12TH ST,PORTAGE,MI,49024,1705,(269)323-6900,13,City: Small,No,574.00000,31.03000,18.5000000,136.00000,23.00000,–,Regular,Open,42.2201582,-85.6464438";

    #[test]
    fn reads_a_real_row() {
        let schools = read(&[PORTAGE]).unwrap();
        let s = &schools[0];
        assert_eq!(s.nces_id, "262895007802");
        assert_eq!(s.district_nces_id, "2628950");
        assert_eq!(s.students, Some(574));
        assert_eq!(s.teachers_fte, Some(31.03));
        assert_eq!(s.low_grade.as_deref(), Some("PK"));
        assert_eq!(s.charter, Some(false));
        assert_eq!(s.latitude, Some(42.2201582));
        // 159 of 574 is 28 %: not high-needs.
        assert_eq!(s.high_needs(), Some(false));
    }

    #[test]
    fn unknown_marks_are_unknown_not_zero() {
        let row = "261884009043,MI-70190-04231,2618840,MI-70190,05,06,56 Building,Hudsonville,Ottawa County,8175 36TH AVE,HUDSONVILLE,MI,49426,,(616)272-7100,41,Rural: Fringe,No,†,–,†,†,†,†,Regular,New,,";
        let s = &read(&[row]).unwrap()[0];
        assert_eq!(
            (s.students, s.teachers_fte, s.free_lunch),
            (None, None, None)
        );
        assert_eq!((s.latitude, s.longitude), (None, None));
        assert_eq!(s.high_needs(), None);
    }

    #[test]
    fn a_malformed_row_names_its_line_and_field() {
        let bad = PORTAGE.replace("574.00000", "many");
        let error = read(&[PORTAGE, &bad]).unwrap_err();
        assert_eq!(error.line, 3);
        assert_eq!(error.field, "Students*");
        assert!(error.problem.contains("not a number"));

        let short_id = PORTAGE.replace("262895007802", "2628");
        assert_eq!(read(&[&short_id]).unwrap_err().field, "NCES School ID");

        let latitude = PORTAGE.replace("42.2201582", "142.2");
        assert_eq!(read(&[&latitude]).unwrap_err().field, "Latitude");
    }

    #[test]
    fn a_missing_column_is_reported_on_the_header_line() {
        let error = read_schools("School Name,State\nX,MI".as_bytes(), |_| {}).unwrap_err();
        assert_eq!((error.line, error.field.as_str()), (1, "NCES School ID"));
    }

    #[test]
    fn a_row_with_too_few_fields_is_rejected() {
        let error = read(&[PORTAGE, "262895007802,MI"]).unwrap_err();
        assert_eq!(error.line, 3);
    }

    #[test]
    fn high_needs_threshold_is_half_of_students() {
        let mut s = read(&[PORTAGE]).unwrap().remove(0);
        s.students = Some(100);
        s.free_lunch = Some(40);
        s.reduced_lunch = Some(10);
        assert_eq!(s.high_needs(), Some(true));
        s.reduced_lunch = Some(9);
        assert_eq!(s.high_needs(), Some(false));
        s.students = Some(0);
        assert_eq!(s.high_needs(), None);
    }
}

#[cfg(test)]
mod properties {
    use proptest::prelude::*;

    use super::*;

    const HEADER: [&str; 12] = [
        "NCES School ID",
        "NCES District ID",
        "School Name",
        "District",
        "State",
        "Low Grade*",
        "High Grade*",
        "Students*",
        "Free Lunch*",
        "Reduced Lunch*",
        "Latitude",
        "Longitude",
    ];

    /// A count as NCES writes it, or one of its "unknown" marks.
    fn count() -> impl Strategy<Value = (String, Option<i64>)> {
        prop_oneof![
            (0i64..100_000).prop_map(|n| (format!("{n}.00000"), Some(n))),
            prop_oneof![Just("†"), Just("–"), Just("")].prop_map(|s| (s.to_owned(), None)),
        ]
    }

    fn row() -> impl Strategy<Value = (Vec<String>, NcesSchool)> {
        (
            "[0-9]{12}",
            "[0-9]{7}",
            "[A-Za-z][A-Za-z0-9 ,.'\"-]{0,40}",
            proptest::sample::select(GRADES.to_vec()),
            count(),
            count(),
            count(),
            proptest::option::of((-90.0f64..90.0, -180.0f64..180.0)),
        )
            .prop_map(
                |(id, district, name, grade, students, free, reduced, point)| {
                    let (lat, lon) = point.map_or((String::new(), String::new()), |(a, o)| {
                        (a.to_string(), o.to_string())
                    });
                    let cells = vec![
                        id.clone(),
                        district.clone(),
                        name.clone(),
                        "A District".to_owned(),
                        "MI".to_owned(),
                        grade.to_owned(),
                        "12".to_owned(),
                        students.0,
                        free.0,
                        reduced.0,
                        lat,
                        lon,
                    ];
                    let expected = NcesSchool {
                        nces_id: id,
                        state_school_id: None,
                        district_nces_id: district,
                        district_name: "A District".to_owned(),
                        name: name.trim().to_owned(),
                        county: None,
                        street: None,
                        city: None,
                        state_code: "MI".to_owned(),
                        zip: None,
                        phone: None,
                        low_grade: Some(grade.to_owned()),
                        high_grade: Some("12".to_owned()),
                        locale: None,
                        charter: None,
                        school_type: None,
                        status: None,
                        students: students.1,
                        teachers_fte: None,
                        free_lunch: free.1,
                        reduced_lunch: reduced.1,
                        latitude: point.map(|p| p.0),
                        longitude: point.map(|p| p.1),
                    };
                    (cells, expected)
                },
            )
    }

    proptest! {
        /// Untrusted bytes never panic the reader: they are read or refused with a line number.
        #[test]
        fn arbitrary_input_is_read_or_refused(bytes in proptest::collection::vec(any::<u8>(), 0..2000)) {
            let mut input = HEADER.join(",").into_bytes();
            input.push(b'\n');
            input.extend(bytes);
            if let Err(error) = read_schools(input.as_slice(), |_| {}) {
                prop_assert!(error.line >= 1);
            }
        }

        /// Valid rows written as CSV read back to exactly the same facts.
        #[test]
        fn valid_rows_round_trip(rows in proptest::collection::vec(row(), 1..20)) {
            let mut writer = csv::Writer::from_writer(Vec::new());
            writer.write_record(HEADER).unwrap();
            for (cells, _) in &rows {
                writer.write_record(cells).unwrap();
            }
            let bytes = writer.into_inner().unwrap();
            let schools = read_schools(bytes.as_slice(), |_| {}).unwrap();
            let expected: Vec<NcesSchool> = rows.into_iter().map(|(_, school)| school).collect();
            prop_assert_eq!(schools, expected);
        }
    }
}
