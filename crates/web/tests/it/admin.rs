//! Operations: backups and several servers sharing one database.

use crate::harness::{Db, postgres_url, serve, spawn};

#[tokio::test]
async fn a_backup_made_while_serving_is_a_consistent_copy() {
    let app = spawn(Db::Sqlite).await;
    let caller = app.as_person(app.world.admin_a).await;
    assert_eq!(caller.get("/").await.status(), 200);
    let target = std::env::temp_dir().join(format!(
        "tandem-backup-{}.db",
        &tandem_web::auth::random_token()[..12]
    ));
    app.store.backup_sqlite(&target).await.unwrap();
    let copy = tandem_store::Store::connect(&format!("sqlite://{}", target.display()))
        .await
        .unwrap();
    assert_eq!(copy.integrity_check().await.unwrap(), "ok");
    let people = |store: tandem_store::Store| async move {
        let scope = tandem_domain::Scope {
            everything: true,
            ..Default::default()
        };
        let viewer = tandem_store::people::Viewer {
            person_id: None,
            scope: &scope,
        };
        store
            .people(viewer, &Default::default(), tandem_store::Page::all())
            .await
            .unwrap()
            .1
    };
    assert_eq!(people(copy).await, people(app.store.clone()).await);
    let _ = std::fs::remove_file(target);
}

/// The app tier keeps no state: a session made through one server works on another.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_on_one_postgres_share_sessions() {
    if postgres_url().is_none() {
        eprintln!("skipped: set TANDEM_TEST_POSTGRES_URL to run on PostgreSQL");
        return;
    }
    let app = spawn(Db::Postgres).await;
    let second_store = tandem_store::Store::connect(&app.url).await.unwrap();
    let second = serve(second_store, tandem_web::Config::default()).await;
    let caller = app.as_person(app.world.admin_a).await;
    assert_eq!(caller.get("/").await.status(), 200);
    let mut other = caller.clone();
    other.base = second;
    let (status, html) = other.text("/").await;
    assert_eq!(status, 200);
    assert!(html.contains("Ada Admin"));
    let out = other.post_form("/signout", &[]).await;
    assert_eq!(out.status(), 303);
    assert_eq!(caller.get("/").await.status(), 303, "signed out on both");
}
