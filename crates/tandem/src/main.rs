//! The `tandem` binary: a thin command line over the store and the web crate.

/// Prints a line of output; when the reader has gone away (`tandem … | head -1`), stops quietly
/// as command-line tools do, instead of panicking.
macro_rules! say {
    () => { $crate::say(format_args!("")) };
    ($($arg:tt)*) => { $crate::say(format_args!($($arg)*)) };
}

mod bench;
mod demo;
mod demo_placements;
mod demo_scale;
mod match_files;

use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};
use tandem_domain::FieldErrors;
use tandem_store::{Backend, DEFAULT_DATABASE_URL, Store};

/// Tandem: the shared workspace of school districts and teacher-preparation programs.
#[derive(Parser)]
#[command(name = "tandem", version, about, long_about = None)]
struct Cli {
    /// Database to use: sqlite://PATH (the default, a file under ./tandem-data/) or postgres://…
    #[arg(long, global = true, env = "TANDEM_DATABASE_URL")]
    database_url: Option<String>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web server (pages, JSON API, OpenAPI document at /api/openapi.json).
    Serve(ServeArgs),
    /// Apply database migrations (also done at every start-up).
    Migrate,
    /// Build (or reuse) a demo database of real Michigan schools and people in every role, and serve it.
    Demo {
        #[command(flatten)]
        serve: ServeArgs,
        /// michigan: every role and capability on real Michigan schools (tandem-data/demo.db).
        /// california: one placement term at state scale, 20,000 candidates and ~267,000 mentors
        /// (tandem-data/demo-california.db; a few minutes to build, use a release build).
        #[arg(long, value_enum, default_value_t = Scale::Michigan)]
        scale: Scale,
        /// The NCES directory to build the demo from (default: the scale's state under
        /// ../shared/data/nces/).
        #[arg(long)]
        nces_file: Option<PathBuf>,
    },
    /// Import records from a file.
    #[command(subcommand)]
    Import(ImportCommand),
    /// Manage sign-in accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Manage API tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Generate a state-scale placement instance from a real school directory, solve it, and print
    /// one line of figures (build with --release).
    BenchMatch {
        /// michigan (4,000 candidates), california (20,000) or national (160,000 on a synthetic
        /// nation of 3.0 million teachers).
        #[arg(long, default_value = "michigan")]
        scenario: String,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Folder of the NCES directory files.
        #[arg(long, default_value = "../shared/data/nces")]
        nces_dir: PathBuf,
        /// Only the cold solve: skip the re-run after locking a tenth of the placements.
        #[arg(long)]
        cold: bool,
        /// Also cap each program at this many candidates in one school (a side constraint).
        #[arg(long)]
        program_cap: Option<u32>,
        /// Also charge this cohort weight once per program and school used (a side
        /// constraint: keeps programs together).
        #[arg(long)]
        cohort_weight: Option<i64>,
        /// Also assign this many program supervisors to the placements (balanced caseloads,
        /// least travel) and print a line of figures for it.
        #[arg(long)]
        supervisors: Option<usize>,
    },
    /// Export or solve placement instances in the plain-file format (see match_files.rs).
    #[command(subcommand)]
    Match(MatchCommand),
    /// Load self-assessment frameworks (TOML, see docs/frameworks.md).
    #[command(subcommand)]
    Framework(FrameworkCommand),
    /// Write a consistent copy of the database to FILE while the server keeps running.
    Backup {
        /// Where to write the copy (a SQLite file, or a pg_dump archive for PostgreSQL).
        file: PathBuf,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Scale {
    Michigan,
    California,
}

#[derive(clap::Args)]
struct ServeArgs {
    /// Address and port to listen on.
    #[arg(long, default_value = "127.0.0.1:8080", env = "TANDEM_LISTEN")]
    listen: String,
    /// Tandem is reached over HTTPS (behind a TLS proxy): mark cookies Secure and send HSTS.
    #[arg(long, env = "TANDEM_SECURE")]
    secure: bool,
    /// Send e-mail notifications through this SMTP server: smtp://[user:password@]host[:port]
    /// (plain), smtp://…?tls=required (STARTTLS) or smtps://… (TLS). Without it, messages
    /// wait in the outbox table.
    #[arg(long, env = "TANDEM_SMTP_URL")]
    smtp_url: Option<String>,
    /// The sender of e-mail notifications.
    #[arg(
        long,
        env = "TANDEM_MAIL_FROM",
        default_value = "Tandem <tandem@localhost>"
    )]
    mail_from: String,
    /// The address people open Tandem at, for links in e-mail (default: http://LISTEN).
    #[arg(long, env = "TANDEM_BASE_URL")]
    base_url: Option<String>,
}

#[derive(Subcommand)]
enum ImportCommand {
    /// Import an NCES Common Core of Data school directory (CSV): districts and schools by NCES id.
    Schools {
        /// The CSV file, e.g. ../shared/data/nces/california_schools.csv
        file: PathBuf,
    },
}

#[derive(Subcommand)]
enum FrameworkCommand {
    /// Load a framework file, or replace the loaded one with the same slug.
    Load {
        file: PathBuf,
        /// The organization (a state agency or network) that owns it.
        #[arg(long)]
        org_id: Option<i64>,
    },
}

#[derive(Subcommand)]
enum MatchCommand {
    /// Generate a scenario's instance and write it to DIR as CSV (with every allowed edge).
    Export {
        /// michigan, california or national.
        #[arg(long, default_value = "michigan")]
        scenario: String,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[arg(long, default_value = "../shared/data/nces")]
        nces_dir: PathBuf,
        /// Maximum travel in km (the rule that decides how many edges there are).
        #[arg(long, default_value_t = 40.0)]
        max_km: f64,
        dir: PathBuf,
    },
    /// Solve an instance directory and print one line of figures.
    Solve { dir: PathBuf },
    /// Run the match for a placement term, keep the run (as the term page's button does) and
    /// print its summary.
    Run {
        #[arg(long)]
        term: i64,
    },
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Create an API token for an organization and print its secret (shown once, stored hashed).
    Create {
        /// The organization, by Tandem id.
        #[arg(long, conflicts_with = "nces_id", required_unless_present = "nces_id")]
        org_id: Option<i64>,
        /// The organization, by NCES id (districts and schools).
        #[arg(long)]
        nces_id: Option<String>,
        /// What the token is for.
        #[arg(long)]
        name: String,
        /// Let the token add and change people, roles and programs (default: read only).
        #[arg(long)]
        write: bool,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create an installation administrator. The password is read from standard input.
    Add {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
    },
    /// Set a new password for an account (read from standard input); signs them out everywhere.
    Password {
        #[arg(long)]
        email: String,
    },
}

fn main() -> Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn,tower_http=info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(run(cli))
}

async fn open(url: &str) -> Result<Store> {
    let store = Store::connect(url)
        .await
        .with_context(|| format!("could not open the database at {url}"))?;
    store
        .migrate()
        .await
        .context("could not apply migrations")?;
    Ok(store)
}

async fn run(cli: Cli) -> Result<()> {
    let url = cli
        .database_url
        .clone()
        .unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned());
    match cli.command {
        Command::Serve(args) => serve(open(&url).await?, &args).await,
        Command::Migrate => {
            open(&url).await?;
            say!("migrations applied");
            Ok(())
        }
        Command::Demo {
            serve: args,
            scale,
            nces_file,
        } => {
            let (state, default_url) = match scale {
                Scale::Michigan => ("michigan", "sqlite://tandem-data/demo.db"),
                Scale::California => ("california", "sqlite://tandem-data/demo-california.db"),
            };
            let nces_file = nces_file
                .unwrap_or_else(|| format!("../shared/data/nces/{state}_schools.csv").into());
            let url = cli.database_url.unwrap_or_else(|| default_url.to_owned());
            let store = open(&url).await?;
            let sign_ins = match scale {
                Scale::Michigan => demo::build(&store, &nces_file).await?,
                Scale::California => demo_scale::build(&store, &nces_file).await?,
            };
            say!(
                "\nTandem demo: open http://{}/ and sign in as any of these (password: {}):",
                args.listen,
                demo::PASSWORD
            );
            for (role, email) in sign_ins {
                say!("  {role:<22} {email}");
            }
            say!();
            serve(store, &args).await
        }
        Command::Framework(FrameworkCommand::Load { file, org_id }) => {
            let store = open(&url).await?;
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("could not read {}", file.display()))?;
            let framework = tandem_domain::depth::Framework::parse(&text)
                .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
            let owner = match org_id {
                Some(id) => Some(
                    store
                        .org(id)
                        .await
                        .with_context(|| format!("no organization has id {id}"))?
                        .id,
                ),
                None => None,
            };
            let id = store.load_framework(&framework, &text, owner).await?;
            say!(
                "loaded framework '{}' ({} levels, {} criteria) as {id}",
                framework.title,
                framework.levels.len(),
                framework.criteria.len()
            );
            Ok(())
        }
        Command::Import(ImportCommand::Schools { file }) => {
            import_schools(&open(&url).await?, &file).await
        }
        Command::User(UserCommand::Add { email, name }) => {
            let store = open(&url).await?;
            let mut errors = FieldErrors::default();
            let email = tandem_domain::input::email(&mut errors, "email", &email);
            let name = tandem_domain::input::name(&mut errors, "name", &name);
            let password =
                tandem_domain::input::password(&mut errors, "password", &read_password()?);
            if !errors.is_empty() {
                bail!("{errors}");
            }
            let hash = tandem_web::auth::hash_password(password)
                .await
                .map_err(|e| anyhow::anyhow!("{e:?}"))?;
            let id = store
                .create_person(&name, Some(&email), Some(&hash), true, None)
                .await?;
            say!("created administrator {email} (person {id})");
            Ok(())
        }
        Command::User(UserCommand::Password { email }) => {
            let store = open(&url).await?;
            let email = email.trim().to_lowercase();
            let Some((person, _)) = store.person_by_email(&email).await? else {
                bail!("no account has the e-mail {email}")
            };
            let mut errors = FieldErrors::default();
            let password =
                tandem_domain::input::password(&mut errors, "password", &read_password()?);
            if !errors.is_empty() {
                bail!("{errors}");
            }
            let hash = tandem_web::auth::hash_password(password)
                .await
                .map_err(|e| anyhow::anyhow!("{e:?}"))?;
            store
                .update_person(
                    person.id,
                    &person.name,
                    person.email.as_deref(),
                    Some(&hash),
                )
                .await?;
            say!("password changed for {email}; their sessions were ended");
            Ok(())
        }
        Command::Token(TokenCommand::Create {
            org_id,
            nces_id,
            name,
            write,
        }) => {
            let store = open(&url).await?;
            let org = match (org_id, nces_id) {
                (Some(id), _) => store
                    .org(id)
                    .await
                    .with_context(|| format!("no organization has id {id}"))?,
                (None, Some(nces)) => {
                    let filter = tandem_store::orgs::OrgFilter {
                        q: Some(nces.clone()),
                        ..Default::default()
                    };
                    let (orgs, _) = store
                        .orgs(&filter, tandem_store::Page::new(None, Some(50)))
                        .await?;
                    orgs.into_iter()
                        .find(|o| o.nces_id.as_deref() == Some(nces.as_str()))
                        .with_context(|| format!("no organization has NCES id {nces}"))?
                }
                (None, None) => bail!("give --org-id or --nces-id"),
            };
            let (secret, hash) = tandem_web::auth::new_api_token();
            store
                .create_token(org.id, &name, &hash, write, None)
                .await?;
            eprintln!(
                "token for {} ({}); it is shown once:",
                org.name,
                if write { "read and write" } else { "read only" }
            );
            say!("{secret}");
            Ok(())
        }
        Command::Match(MatchCommand::Export {
            scenario,
            seed,
            nces_dir,
            max_km,
            dir,
        }) => {
            if !(max_km.is_finite() && max_km > 0.0) {
                anyhow::bail!("--max-km: must be a positive number of kilometres, not {max_km}");
            }
            let instance = bench::generate(&scenario, seed, &nces_dir)?;
            let rules = tandem_matching::Rules {
                max_travel_km: max_km,
                ..Default::default()
            };
            let edges = match_files::export(&instance, &rules, &dir)?;
            say!(
                "exported scenario={scenario} candidates={} mentors={} schools={} edges={edges} to {}",
                instance.candidates.len(),
                instance.mentors.len(),
                instance.schools.len(),
                dir.display()
            );
            Ok(())
        }
        Command::Match(MatchCommand::Run { term }) => {
            let guard = tandem_web::guard::Guard::system(open(&url).await?);
            let run = guard.run_match(term).await.map_err(|e| match e {
                tandem_web::error::AppError::Invalid(errors) => anyhow::anyhow!("{errors}"),
                tandem_web::error::AppError::NotFound => anyhow::anyhow!("no term {term}"),
                other => anyhow::anyhow!("{other:?}"),
            })?;
            let tv = guard
                .term(term)
                .await
                .map_err(|e| anyhow::anyhow!("{e:?}"))?;
            let runs = guard
                .runs(&tv)
                .await
                .map_err(|e| anyhow::anyhow!("{e:?}"))?;
            let Some(kept) = runs.iter().find(|r| r.id == run) else {
                anyhow::bail!("run {run} was not kept");
            };
            let summary = kept.summary();
            say!(
                "run {} of term {term}: {} ({} ms, objective {}, bound {})",
                kept.number,
                tandem_web::guard::summary_line(&summary),
                summary.millis,
                summary.objective,
                summary.bound
            );
            Ok(())
        }
        Command::Match(MatchCommand::Solve { dir }) => {
            let (instance, rules) = match_files::import(&dir)?;
            let name = dir
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            bench::report(&name, &instance, &rules).map(drop)
        }
        Command::BenchMatch {
            scenario,
            seed,
            nces_dir,
            cold,
            program_cap,
            cohort_weight,
            supervisors,
        } => bench::run(
            &scenario,
            seed,
            &nces_dir,
            cold,
            (program_cap, cohort_weight),
            supervisors,
        ),
        Command::Backup { file } => backup(&open(&url).await?, &url, &file).await,
    }
}

async fn serve(store: Store, args: &ServeArgs) -> Result<()> {
    let listener = tokio::net::TcpListener::bind(&args.listen)
        .await
        .with_context(|| format!("could not listen on {}", args.listen))?;
    tracing::info!("listening on http://{}", listener.local_addr()?);
    match &args.smtp_url {
        Some(smtp_url) => {
            let mail = tandem_web::mail::MailConfig {
                smtp_url: smtp_url.clone(),
                from: args.mail_from.clone(),
                base_url: args
                    .base_url
                    .clone()
                    .unwrap_or_else(|| format!("http://{}", args.listen)),
            };
            tandem_web::mail::spawn(store.clone(), mail).map_err(anyhow::Error::msg)?;
        }
        None => tracing::info!("no SMTP relay set (--smtp-url): e-mail waits in the outbox"),
    }
    let config = tandem_web::Config {
        secure: args.secure,
        ..tandem_web::Config::default()
    };
    tandem_web::serve(listener, store.clone(), config).await?;
    store.close().await;
    Ok(())
}

/// Prints `imported schools=N districts=M updated=U unchanged=K in S.SSs`, or
/// `FILE:LINE: field: problem` and fails with nothing written.
async fn import_schools(store: &Store, file: &Path) -> Result<()> {
    let started = Instant::now();
    let reader =
        std::fs::File::open(file).with_context(|| format!("could not open {}", file.display()))?;
    let name = file.display().to_string();
    match store
        .import_schools(&name, std::io::BufReader::new(reader), |_| {})
        .await
    {
        Ok(s) => {
            say!(
                "imported schools={} districts={} updated={} unchanged={} in {:.2}s",
                s.schools,
                s.districts,
                s.updated,
                s.unchanged,
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Err(error) => bail!("{error}"),
    }
}

fn say(line: std::fmt::Arguments<'_>) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    if out
        .write_fmt(line)
        .and_then(|()| out.write_all(b"\n"))
        .is_err()
    {
        std::process::exit(0);
    }
}

fn read_password() -> Result<String> {
    eprintln!("Password (at least 8 characters), then Enter:");
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

async fn backup(store: &Store, url: &str, file: &Path) -> Result<()> {
    if file.exists() {
        bail!("{} exists already: choose a new file name", file.display());
    }
    match store.backend() {
        Backend::Sqlite => store.backup_sqlite(file).await?,
        Backend::Postgres => {
            // pg_dump takes a consistent snapshot of a live database.
            let status = tokio::process::Command::new("pg_dump")
                .arg("--format=custom")
                .arg("--file")
                .arg(file)
                .arg(url)
                .status()
                .await
                .context("could not run pg_dump (install the PostgreSQL client tools)")?;
            if !status.success() {
                bail!("pg_dump failed: {status}");
            }
        }
    }
    say!("backup written to {}", file.display());
    Ok(())
}
