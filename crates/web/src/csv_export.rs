//! CSV downloads: RFC 4180 quoting (the csv crate) and neutralized formulas, so a cell such as
//! `=HYPERLINK(…)` is shown as text by spreadsheets instead of being run.

use axum::http::header;
use axum::response::{IntoResponse, Response};

use crate::error::AppError;

/// A cell made safe for spreadsheets: text starting with `= + - @`, tab or carriage return gets a
/// leading apostrophe.
pub fn cell(value: &str) -> String {
    // A plain number (a longitude like -85.6) is data, not a formula.
    if value.parse::<f64>().is_ok() {
        return value.to_owned();
    }
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    }
}

/// A CSV file download of `header` and `rows`.
pub fn download(
    file_name: &str,
    header: &[&str],
    rows: impl IntoIterator<Item = Vec<String>>,
) -> Result<Response, AppError> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let internal = |e: csv::Error| AppError::Internal(e.to_string());
    writer.write_record(header).map_err(internal)?;
    for row in rows {
        writer
            .write_record(row.iter().map(|v| cell(v)))
            .map_err(internal)?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file_name}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// Text of an optional value: empty when unknown.
pub fn opt<T: ToString>(value: Option<T>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralized_and_plain_text_is_kept() {
        assert_eq!(cell("=1+2"), "'=1+2");
        assert_eq!(cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(cell("-5+1"), "'-5+1");
        assert_eq!(cell("-85.64"), "-85.64");
        assert_eq!(cell("Lincoln Elementary"), "Lincoln Elementary");
    }
}
