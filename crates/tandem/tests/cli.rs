#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The `tandem` binary as an operator uses it: imports, accounts, backups, shutdown, and two
//! server processes sharing one PostgreSQL database.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

fn tandem() -> Command {
    Command::new(env!("CARGO_BIN_EXE_tandem"))
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tandem-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn sqlite_url(dir: &std::path::Path) -> String {
    format!("sqlite://{}", dir.join("tandem.db").display())
}

fn michigan() -> String {
    format!(
        "{}/../../../shared/data/nces/michigan_schools.csv",
        env!("CARGO_MANIFEST_DIR")
    )
}

fn run(command: &mut Command) -> Output {
    command.output().unwrap()
}

#[test]
fn import_prints_one_line_and_reimport_changes_nothing() {
    let dir = scratch("import");
    let url = sqlite_url(&dir);
    let first = run(tandem().args(["--database-url", &url, "import", "schools", &michigan()]));
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let line = String::from_utf8(first.stdout).unwrap();
    assert!(
        line.starts_with("imported schools=3487 districts=882 updated=0 unchanged=0 in "),
        "{line}"
    );
    assert!(line.trim_end().ends_with('s') && line.lines().count() == 1);
    let again = run(tandem().args(["--database-url", &url, "import", "schools", &michigan()]));
    let line = String::from_utf8(again.stdout).unwrap();
    assert!(
        line.starts_with("imported schools=3487 districts=882 updated=0 unchanged=4369 in "),
        "{line}"
    );
}

#[test]
fn an_export_keeps_its_travel_limit_and_refuses_a_nonsense_one() {
    let dir = scratch("export");
    let nces = format!("{}/../../../shared/data/nces", env!("CARGO_MANIFEST_DIR"));
    let out = dir.join("michigan");
    let export = |km: &str| {
        let (nces, out) = (nces.as_str(), out.to_str().unwrap());
        run(tandem().args(["match", "export", "--nces-dir", nces, "--max-km", km, out]))
    };
    let refused = export("0");
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--max-km: must be a positive"));
    assert!(!out.exists(), "a refused export writes nothing");
    let near = export("5");
    assert!(
        near.status.success(),
        "{}",
        String::from_utf8_lossy(&near.stderr)
    );
    let rules = std::fs::read_to_string(out.join("rules.csv")).unwrap();
    assert!(rules.contains("max_travel_km,5\n"), "{rules}");
    let edges = |o: &Output| {
        let line = String::from_utf8_lossy(&o.stdout).into_owned();
        let n = line
            .split(" edges=")
            .nth(1)
            .and_then(|r| r.split(' ').next());
        n.unwrap().parse::<u64>().unwrap()
    };
    let far = export("40");
    assert!(
        edges(&near) * 4 < edges(&far),
        "5 km allows far fewer pairs than 40 km"
    );
}

#[test]
fn a_malformed_file_is_named_by_line_and_field_and_writes_nothing() {
    let dir = scratch("malformed");
    let url = sqlite_url(&dir);
    let text = std::fs::read_to_string(michigan()).unwrap();
    let mut lines: Vec<&str> = text.lines().take(40).collect();
    let broken = format!("{},-850.5", lines[33].rsplit_once(',').unwrap().0);
    lines[33] = &broken;
    let file = dir.join("broken.csv");
    std::fs::write(&file, lines.join("\n")).unwrap();
    let output = run(tandem()
        .args(["--database-url", &url, "import", "schools"])
        .arg(&file));
    assert!(!output.status.success());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains(&format!("{}:34: Longitude: ", file.display())),
        "{stderr}"
    );
    let count = run(tandem().args(["--database-url", &url, "import", "schools", &michigan()]));
    assert!(
        String::from_utf8(count.stdout)
            .unwrap()
            .contains("unchanged=0"),
        "the failed import left nothing"
    );
}

#[test]
fn administrators_are_added_and_weak_passwords_refused() {
    let dir = scratch("users");
    let url = sqlite_url(&dir);
    let add = |email: &str, password: &str| {
        let mut child = tandem()
            .args([
                "--database-url",
                &url,
                "user",
                "add",
                "--email",
                email,
                "--name",
                "Ops Person",
            ])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(format!("{password}\n").as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    };
    let weak = add("ops@test.example", "password");
    assert!(!weak.status.success());
    assert!(String::from_utf8_lossy(&weak.stderr).contains("too common"));
    let ok = add("ops@test.example", "a sturdy passphrase");
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let twice = add("ops@test.example", "a sturdy passphrase");
    assert!(!twice.status.success(), "e-mail addresses are unique");
    let backup = dir.join("copy.db");
    let output = run(tandem()
        .args(["--database-url", &url, "backup"])
        .arg(&backup));
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(backup.metadata().unwrap().len() > 0);
}

/// A killed import leaves the database as it was: intact and without half a file.
#[tokio::test]
async fn a_killed_import_leaves_the_database_intact() {
    let california = michigan().replace("michigan_schools", "california_schools");
    for (round, delay) in [40u64, 150, 400, 900].into_iter().enumerate() {
        let dir = scratch(&format!("killed{round}"));
        let url = sqlite_url(&dir);
        let mut child = tandem()
            .args(["--database-url", &url, "import", "schools", &california])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        tokio::time::sleep(Duration::from_millis(delay)).await;
        let _ = child.kill();
        let _ = child.wait();
        let store = tandem_store::Store::connect(&url).await.unwrap();
        assert_eq!(store.integrity_check().await.unwrap(), "ok");
        store.migrate().await.unwrap();
        let (_, total) = store
            .orgs(&Default::default(), tandem_store::Page::new(None, Some(1)))
            .await
            .unwrap();
        assert!(
            total == 0 || total == 12401,
            "all or nothing, found {total}"
        );
        store.close().await;
    }
}

struct Server {
    child: std::process::Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn start(url: &str) -> Server {
    start_with(url, &["serve"], 100).await
}

/// Starts `tandem COMMAND… --listen` and waits up to `tries` tenths of a second for it to
/// answer.
async fn start_with(url: &str, command: &[&str], tries: u32) -> Server {
    let port = free_port();
    let mut child = tandem()
        .args(["--database-url", url])
        .args(command)
        .args(["--listen", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    for _ in 0..tries {
        if reqwest::get(format!("{base}/healthz"))
            .await
            .is_ok_and(|r| r.status() == 200)
        {
            return Server { child, base };
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("tandem {command:?} did not start");
}

/// `tandem match run --term ID` runs the engine on a term and keeps the run, as the term's
/// page does; an unknown term is named.
#[tokio::test]
async fn a_match_runs_from_the_command_line() {
    let dir = scratch("match-run");
    let url = sqlite_url(&dir);
    let demo = start_with(&url, &["demo", "--nces-file", &michigan()], 1200).await;
    drop(demo);
    let missing = run(tandem().args(["--database-url", &url, "match", "run", "--term", "999"]));
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no term 999"));
    // The demo's second term is ready to match (its first is matched and confirmed).
    let ran = run(tandem().args(["--database-url", &url, "match", "run", "--term", "2"]));
    let line = String::from_utf8(ran.stdout).unwrap();
    assert!(
        ran.status.success(),
        "{}",
        String::from_utf8_lossy(&ran.stderr)
    );
    assert!(
        line.starts_with("run 1 of term 2: ") && line.contains("placed") && line.contains("bound"),
        "{line}"
    );
}

#[tokio::test]
async fn sigterm_shuts_down_gracefully() {
    let dir = scratch("shutdown");
    let mut server = start(&sqlite_url(&dir)).await;
    let pid = server.child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let status = server.child.wait().unwrap();
    assert!(status.success(), "exit after SIGTERM: {status}");
}

/// Two `tandem serve` processes on one PostgreSQL database: a session made on one works on the other.
#[tokio::test]
async fn two_server_processes_share_sessions_on_postgres() {
    let Some(base) = std::env::var("TANDEM_TEST_POSTGRES_URL")
        .ok()
        .filter(|u| !u.is_empty())
    else {
        eprintln!("skipped: set TANDEM_TEST_POSTGRES_URL to run on PostgreSQL");
        return;
    };
    let schema = format!("cli{}", std::process::id());
    let setup = tandem_store::Store::connect(&base).await.unwrap();
    setup
        .execute_raw(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))
        .await
        .unwrap();
    setup
        .execute_raw(&format!("CREATE SCHEMA {schema}"))
        .await
        .unwrap();
    let sep = if base.contains('?') { '&' } else { '?' };
    let url = format!("{base}{sep}options[search_path]={schema}");

    let mut add = tandem()
        .args([
            "--database-url",
            &url,
            "user",
            "add",
            "--email",
            "ops@test.example",
            "--name",
            "Ops",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    add.stdin
        .take()
        .unwrap()
        .write_all(b"a sturdy passphrase\n")
        .unwrap();
    assert!(add.wait().unwrap().success());

    let one = start(&url).await;
    let two = start(&url).await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let form = client
        .get(format!("{}/signin", one.base))
        .send()
        .await
        .unwrap();
    let cookie = form.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let html = form.text().await.unwrap();
    let csrf = html
        .split("name=\"_csrf\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let signed_in = client
        .post(format!("{}/signin", one.base))
        .header("cookie", cookie)
        .form(&[
            ("email", "ops@test.example"),
            ("password", "a sturdy passphrase"),
            ("_csrf", &csrf),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in.status(), 303);
    let session = signed_in
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("tandem_session="))
        .unwrap();
    let session = session.split(';').next().unwrap().to_owned();
    let on_two = client
        .get(format!("{}/", two.base))
        .header("cookie", &session)
        .send()
        .await
        .unwrap();
    assert_eq!(on_two.status(), 200);
    assert!(on_two.text().await.unwrap().contains("Welcome, Ops"));
    drop((one, two));
    setup
        .execute_raw(&format!("DROP SCHEMA {schema} CASCADE"))
        .await
        .unwrap();
}
