//! NCES directory imports: the real Michigan file, idempotent re-import, updates, and malformed
//! files that write nothing.

use std::io::Cursor;

use tandem_store::Page;
use tandem_store::orgs::OrgFilter;

use crate::harness::{Db, fresh_database, location, spawn};
use crate::on_both;

on_both!(
    the_real_michigan_directory_imports_and_reimports_unchanged,
    a_changed_row_updates_its_record,
    a_malformed_row_rejects_the_whole_file,
    the_upload_page_imports_with_progress,
);

fn nces(file: &str) -> String {
    let path = format!(
        "{}/../../../shared/data/nces/{file}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn first_lines(text: &str, n: usize) -> String {
    text.lines().take(n + 1).collect::<Vec<_>>().join("\n")
}

async fn the_real_michigan_directory_imports_and_reimports_unchanged(db: Db) {
    let (store, _) = fresh_database(db).await;
    let text = nces("michigan_schools.csv");
    let first = store
        .import_schools(
            "michigan_schools.csv",
            Cursor::new(text.clone().into_bytes()),
            |_| {},
        )
        .await
        .unwrap();
    assert_eq!(
        (
            first.schools,
            first.districts,
            first.added,
            first.updated,
            first.unchanged
        ),
        (3487, 882, 4369, 0, 0)
    );
    let again = store
        .import_schools(
            "michigan_schools.csv",
            Cursor::new(text.into_bytes()),
            |_| {},
        )
        .await
        .unwrap();
    assert_eq!((again.added, again.updated, again.unchanged), (0, 0, 4369));

    // Known facts of a real school: 12th Street Elementary, Portage.
    let orgs = by_nces_id(&store, "262895007802").await;
    let school = &orgs[0];
    assert_eq!(school.name, "12th Street Elementary");
    assert_eq!(
        school.parent_name.as_deref(),
        Some("Portage Public Schools")
    );
    assert_eq!(
        (school.students, school.free_lunch, school.reduced_lunch),
        (Some(574), Some(136), Some(23))
    );
    assert_eq!(school.is_high_needs(), Some(false));
    assert_eq!(school.grade_span().as_deref(), Some("PK–05"));
    // Unknown counts stay unknown.
    let orgs = by_nces_id(&store, "261884009043").await;
    assert_eq!(
        (
            orgs[0].students,
            orgs[0].teachers_fte,
            orgs[0].is_high_needs()
        ),
        (None, None, None)
    );
    assert_eq!(store.integrity_check().await.unwrap(), "ok");
}

async fn a_changed_row_updates_its_record(db: Db) {
    let (store, _) = fresh_database(db).await;
    let text = first_lines(&nces("michigan_schools.csv"), 20);
    store
        .import_schools("mi.csv", Cursor::new(text.clone().into_bytes()), |_| {})
        .await
        .unwrap();
    let changed = text
        .replace("12th Street Elementary", "Twelfth Street Elementary")
        .replace("574.00000", "600.00000");
    let summary = store
        .import_schools("mi.csv", Cursor::new(changed.into_bytes()), |_| {})
        .await
        .unwrap();
    assert_eq!((summary.added, summary.updated), (0, 1));
    let orgs = by_nces_id(&store, "262895007802").await;
    assert_eq!(orgs[0].name, "Twelfth Street Elementary");
    assert_eq!(orgs[0].students, Some(600));
}

async fn a_malformed_row_rejects_the_whole_file(db: Db) {
    let (store, _) = fresh_database(db).await;
    let text = first_lines(&nces("michigan_schools.csv"), 30);
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    lines[25] = lines[25].replacen(",MI,", ",Michigan,", 1);
    let error = store
        .import_schools(
            "bad.csv",
            Cursor::new(lines.join("\n").into_bytes()),
            |_| {},
        )
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "bad.csv:26: State: 'Michigan' is not a two-letter state code"
    );
    let (_, total) = store
        .orgs(&OrgFilter::default(), Page::all())
        .await
        .unwrap();
    assert_eq!(total, 0, "nothing written");
}

async fn the_upload_page_imports_with_progress(db: Db) {
    let app = spawn(db).await;
    let text = first_lines(&nces("michigan_schools.csv"), 50);
    let upload = |caller: crate::harness::Caller, text: String| async move {
        caller.upload("/admin/import", "michigan.csv", text).await
    };
    // Only installation administrators import.
    let admin_a = app.as_person(app.world.admin_a).await;
    assert_eq!(upload(admin_a, text.clone()).await.status(), 403);
    let root = app.as_person(app.world.root).await;
    let response = upload(root.clone(), text).await;
    assert_eq!(response.status(), 303);
    let job = location(&response);
    assert!(job.starts_with("/admin/imports/"));
    let html = finished(&root, &job).await;
    assert!(html.contains("imported schools=50"), "{html}");
    // A malformed upload names its line and imports nothing.
    let bad = "NCES School ID,School Name\n1,X";
    let response = upload(root.clone(), bad.into()).await;
    let job = location(&response);
    let html = finished(&root, &job).await;
    assert!(html.contains("Nothing was imported"));
    assert!(
        html.contains("michigan.csv:1: NCES District ID: column is missing from the header"),
        "{html}"
    );
}

/// The job page once the import has ended (it refreshes itself while running).
async fn finished(caller: &crate::harness::Caller, job: &str) -> String {
    for _ in 0..200 {
        let html = caller.text(job).await.1;
        if !html.contains("rows read so far") {
            return html;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the import did not end");
}

/// The organizations whose NCES id (or name or city) matches `id`.
async fn by_nces_id(store: &tandem_store::Store, id: &str) -> Vec<tandem_store::orgs::Org> {
    let filter = OrgFilter {
        q: Some(id.into()),
        ..OrgFilter::default()
    };
    store.orgs(&filter, Page::all()).await.unwrap().0
}
