//! Test harness: a fresh database per test (a SQLite file, or a PostgreSQL schema when
//! `TANDEM_TEST_POSTGRES_URL` is set), a seeded world of two states' organizations and people in
//! every role, and a server on a free port.

use std::sync::OnceLock;

use reqwest::header::{COOKIE, HeaderMap, HeaderValue};
use reqwest::{Client, Response};
use tandem_domain::input::OrgDraft;
use tandem_domain::{OrgKind, Role};
use tandem_store::Store;
use tandem_web::Config;
use tandem_web::auth::{random_token, sha256_hex};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Db {
    Sqlite,
    Postgres,
}

/// Runs a test body on SQLite, and on PostgreSQL when it is configured.
#[macro_export]
macro_rules! on_both {
    ($($name:ident),+ $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$name($crate::harness::Db::Sqlite).await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    if $crate::harness::postgres_url().is_none() {
                        eprintln!("skipped: set TANDEM_TEST_POSTGRES_URL to run on PostgreSQL");
                        return;
                    }
                    super::$name($crate::harness::Db::Postgres).await;
                }
            }
        )+
    };
}

pub fn postgres_url() -> Option<String> {
    std::env::var("TANDEM_TEST_POSTGRES_URL")
        .ok()
        .filter(|u| !u.is_empty())
}

/// A fresh, migrated, empty database; returns its URL too (for a second server).
pub async fn fresh_database(db: Db) -> (Store, String) {
    let name = format!("t{}", &random_token()[..16]);
    let url = match db {
        Db::Sqlite => {
            let dir = std::env::temp_dir().join("tandem-tests");
            std::fs::create_dir_all(&dir).unwrap();
            format!("sqlite://{}", dir.join(format!("{name}.db")).display())
        }
        Db::Postgres => {
            let base = postgres_url().unwrap();
            let admin = Store::connect(&base).await.unwrap();
            admin
                .execute_raw(&format!("CREATE SCHEMA {name}"))
                .await
                .unwrap();
            admin.close().await;
            let sep = if base.contains('?') { '&' } else { '?' };
            format!("{base}{sep}options[search_path]={name}")
        }
    };
    let store = Store::connect(&url).await.unwrap();
    store.migrate().await.unwrap();
    (store, url)
}

/// The seeded organizations and people (not every test uses every one).
#[allow(dead_code)]
#[derive(Debug, Clone, Copy)]
pub struct World {
    pub state_mi: i64,
    pub state_ca: i64,
    pub district_a: i64,
    pub school_a1: i64,
    pub district_b: i64,
    pub school_b1: i64,
    pub district_c: i64,
    pub school_c1: i64,
    pub provider_p: i64,
    pub provider_q: i64,
    pub root: i64,
    pub admin_a: i64,
    pub admin_b: i64,
    pub coord_p: i64,
    pub coord_q: i64,
    pub lead_a: i64,
    pub principal_a1: i64,
    pub mentor_a1: i64,
    pub mentor_b1: i64,
    pub supervisor_p: i64,
    pub cand_p: i64,
    pub cand_q: i64,
    pub data_a: i64,
    pub reviewer_mi: i64,
    pub mentor_c1: i64,
    pub lead_p: i64,
}

pub const PASSWORD: &str = "a long test passphrase";

/// One argon2 hash for every seeded person: hashing is deliberately slow.
async fn password_hash() -> String {
    static HASH: OnceLock<String> = OnceLock::new();
    if let Some(hash) = HASH.get() {
        return hash.clone();
    }
    let hash = tandem_web::auth::hash_password(PASSWORD.into())
        .await
        .unwrap();
    HASH.get_or_init(|| hash).clone()
}

async fn org(store: &Store, kind: OrgKind, name: &str, parent: Option<i64>, state: &str) -> i64 {
    let draft = OrgDraft {
        kind,
        name: name.into(),
        parent_id: parent,
        state_code: Some(state.into()),
        street: None,
        city: None,
        zip: None,
        phone: None,
    };
    store.create_org(&draft).await.unwrap()
}

pub async fn seed(store: &Store) -> World {
    let hash = password_hash().await;
    let state_mi = org(
        store,
        OrgKind::StateAgency,
        "Michigan Department of Education",
        None,
        "MI",
    )
    .await;
    let state_ca = org(
        store,
        OrgKind::StateAgency,
        "California Department of Education",
        None,
        "CA",
    )
    .await;
    let district_a = org(store, OrgKind::District, "Alder District", None, "MI").await;
    let school_a1 = org(
        store,
        OrgKind::School,
        "Alder Elementary",
        Some(district_a),
        "MI",
    )
    .await;
    let district_b = org(store, OrgKind::District, "Birch District", None, "MI").await;
    let school_b1 = org(
        store,
        OrgKind::School,
        "Birch Middle",
        Some(district_b),
        "MI",
    )
    .await;
    let district_c = org(store, OrgKind::District, "Cedar Unified", None, "CA").await;
    let school_c1 = org(store, OrgKind::School, "Cedar High", Some(district_c), "CA").await;
    let provider_p = org(store, OrgKind::Provider, "Pine University", None, "MI").await;
    let provider_q = org(store, OrgKind::Provider, "Quince College", None, "MI").await;
    let person = |name: &'static str, email: &'static str, org: i64, role: Role| {
        let hash = hash.clone();
        async move {
            store
                .create_person(name, Some(email), Some(&hash), false, Some((org, role)))
                .await
                .unwrap()
        }
    };
    World {
        root: store
            .create_person(
                "Root Admin",
                Some("root@test.example"),
                Some(&hash),
                true,
                None,
            )
            .await
            .unwrap(),
        admin_a: person("Ada Admin", "admin.a@test.example", district_a, Role::Admin).await,
        admin_b: person("Bo Admin", "admin.b@test.example", district_b, Role::Admin).await,
        coord_p: person(
            "Pat Coordinator",
            "coord.p@test.example",
            provider_p,
            Role::Coordinator,
        )
        .await,
        coord_q: person(
            "Quinn Coordinator",
            "coord.q@test.example",
            provider_q,
            Role::Coordinator,
        )
        .await,
        lead_a: person(
            "Lee Lead",
            "lead.a@test.example",
            district_a,
            Role::PartnershipLead,
        )
        .await,
        principal_a1: person(
            "Paula Principal",
            "principal.a1@test.example",
            school_a1,
            Role::Principal,
        )
        .await,
        mentor_a1: person(
            "Mina Mentor",
            "mentor.a1@test.example",
            school_a1,
            Role::Mentor,
        )
        .await,
        mentor_b1: person(
            "Milo Mentor",
            "mentor.b1@test.example",
            school_b1,
            Role::Mentor,
        )
        .await,
        supervisor_p: person(
            "Sam Supervisor",
            "supervisor.p@test.example",
            provider_p,
            Role::Supervisor,
        )
        .await,
        cand_p: person(
            "Cara Candidate",
            "cand.p@test.example",
            provider_p,
            Role::Candidate,
        )
        .await,
        cand_q: person(
            "Cy Candidate",
            "cand.q@test.example",
            provider_q,
            Role::Candidate,
        )
        .await,
        data_a: person(
            "Dee Data",
            "data.a@test.example",
            district_a,
            Role::DataLead,
        )
        .await,
        reviewer_mi: person(
            "Rae Reviewer",
            "reviewer@test.example",
            state_mi,
            Role::StateReviewer,
        )
        .await,
        mentor_c1: person(
            "Cal Mentor",
            "mentor.c1@test.example",
            school_c1,
            Role::Mentor,
        )
        .await,
        lead_p: person(
            "Pia Lead",
            "lead.p@test.example",
            provider_p,
            Role::PartnershipLead,
        )
        .await,
        state_mi,
        state_ca,
        district_a,
        school_a1,
        district_b,
        school_b1,
        district_c,
        school_c1,
        provider_p,
        provider_q,
    }
}

pub struct TestApp {
    pub base: String,
    pub store: Store,
    pub url: String,
    pub world: World,
}

/// A seeded database served on a free port.
pub async fn spawn(db: Db) -> TestApp {
    spawn_with(db, Config::default()).await
}

pub async fn spawn_with(db: Db, config: Config) -> TestApp {
    let (store, url) = fresh_database(db).await;
    let world = seed(&store).await;
    let base = serve(store.clone(), config).await;
    TestApp {
        base,
        store,
        url,
        world,
    }
}

/// Serves `store` on a free port and returns the base URL.
pub async fn serve(store: Store, config: Config) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let app = tandem_web::app(store, config);
    tokio::spawn(async move { axum::serve(listener, app).await });
    base
}

/// An HTTP client acting as someone.
#[derive(Clone)]
pub struct Caller {
    pub client: Client,
    pub base: String,
    pub csrf: String,
}

fn client(headers: HeaderMap) -> Client {
    Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .default_headers(headers)
        .build()
        .unwrap()
}

impl TestApp {
    /// A browser signed in as `person` (a session made directly, as sign-in would).
    pub async fn as_person(&self, person: i64) -> Caller {
        let token = random_token();
        let csrf = random_token();
        self.store
            .create_session(&sha256_hex(&token), person, &csrf)
            .await
            .unwrap();
        let mut headers = HeaderMap::new();
        headers.insert(
            COOKIE,
            HeaderValue::from_str(&format!("tandem_session={token}")).unwrap(),
        );
        Caller {
            client: client(headers),
            base: self.base.clone(),
            csrf,
        }
    }

    /// A program holding an API token of `org`.
    pub async fn as_token(&self, org: i64, can_write: bool) -> (Caller, i64) {
        let (secret, hash) = tandem_web::auth::new_api_token();
        let id = self
            .store
            .create_token(org, "test", &hash, can_write, Some(self.world.root))
            .await
            .unwrap();
        let mut headers = HeaderMap::new();
        headers.insert(
            reqwest::header::AUTHORIZATION,
            HeaderValue::from_str(&format!("Bearer {secret}")).unwrap(),
        );
        (
            Caller {
                client: client(headers),
                base: self.base.clone(),
                csrf: String::new(),
            },
            id,
        )
    }

    pub fn anonymous(&self) -> Caller {
        Caller {
            client: client(HeaderMap::new()),
            base: self.base.clone(),
            csrf: String::new(),
        }
    }
}

impl Caller {
    pub async fn get(&self, path: &str) -> Response {
        self.client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap()
    }

    pub async fn text(&self, path: &str) -> (u16, String) {
        let response = self.get(path).await;
        (response.status().as_u16(), response.text().await.unwrap())
    }

    /// Submits a form with this session's CSRF token.
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> Response {
        let mut all: Vec<(&str, &str)> = vec![("_csrf", &self.csrf)];
        all.extend_from_slice(fields);
        self.client
            .post(format!("{}{path}", self.base))
            .form(&all)
            .send()
            .await
            .unwrap()
    }

    /// Uploads `text` as the form's `file` field, named `file_name`, with the CSRF token.
    pub async fn upload(&self, path: &str, file_name: &str, text: impl Into<Vec<u8>>) -> Response {
        let file = reqwest::multipart::Part::bytes(text.into()).file_name(file_name.to_string());
        let form = reqwest::multipart::Form::new()
            .text("_csrf", self.csrf.clone())
            .part("file", file);
        self.client
            .post(format!("{}{path}", self.base))
            .multipart(form)
            .send()
            .await
            .unwrap()
    }

    pub async fn post_json(&self, path: &str, body: serde_json::Value) -> Response {
        self.client
            .post(format!("{}{path}", self.base))
            .json(&body)
            .send()
            .await
            .unwrap()
    }

    pub async fn put_json(&self, path: &str, body: serde_json::Value) -> Response {
        self.client
            .put(format!("{}{path}", self.base))
            .json(&body)
            .send()
            .await
            .unwrap()
    }

    pub async fn json(&self, path: &str) -> (u16, serde_json::Value) {
        let response = self.get(path).await;
        let status = response.status().as_u16();
        (
            status,
            response.json().await.unwrap_or(serde_json::Value::Null),
        )
    }
}

/// The `Location` of a redirect.
pub fn location(response: &Response) -> String {
    response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}
