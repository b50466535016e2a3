//! E-mail notifications leave through SMTP: a local sink (Python's aiosmtpd, started here) gets
//! each queued message with its link; an undeliverable one is kept with its error.

use std::path::{Path, PathBuf};
use std::time::Duration;

use tandem_store::outbox::Mail;
use tandem_web::mail::{MailConfig, spawn};

use crate::harness::{Db, fresh_database};
use crate::on_both;

on_both!(queued_mail_reaches_the_smtp_sink);

/// An SMTP sink writing each message into `dir/new/`; stopped when dropped.
async fn smtp_sink(dir: &Path) -> (tokio::process::Child, u16) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = tokio::process::Command::new("python3")
        .args(["-m", "aiosmtpd", "-n", "-l"])
        .arg(format!("127.0.0.1:{port}"))
        .args(["-c", "aiosmtpd.handlers.Mailbox"])
        .arg(dir)
        .kill_on_drop(true)
        .spawn()
        .expect("python3 with aiosmtpd (pip install aiosmtpd) runs the test's SMTP sink");
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return (child, port);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the SMTP sink did not start on port {port} (is aiosmtpd installed?)");
}

/// Tandem's mail settings for the test, sending through `smtp_url`.
fn config(smtp_url: impl Into<String>) -> MailConfig {
    MailConfig {
        smtp_url: smtp_url.into(),
        from: "Tandem <tandem@test.example>".into(),
        base_url: "https://tandem.test.example/".into(),
    }
}

fn delivered(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir.join("new"))
        .map(|entries| {
            entries
                .filter_map(|e| std::fs::read_to_string(e.ok()?.path()).ok())
                .collect()
        })
        .unwrap_or_default()
}

async fn queued_mail_reaches_the_smtp_sink(db: Db) {
    let (store, _) = fresh_database(db).await;
    let dir: PathBuf = std::env::temp_dir().join(format!(
        "tandem-mail-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    ));
    let (_sink, port) = smtp_sink(&dir).await;
    let mail = |address: &str| Mail {
        to_address: address.into(),
        to_name: "Grace Hopper".into(),
        subject: "A student teacher for you: Ana Ruiz".into(),
        body: "Hello Grace Hopper,\n\nPlease accept, or decline with a reason.".into(),
        link: "/placements/7".into(),
    };
    store
        .enqueue_mail(&[mail("grace@alder.test.example"), mail("not an address")])
        .await
        .unwrap();
    let task = spawn(store.clone(), config(format!("smtp://127.0.0.1:{port}"))).unwrap();

    let mut messages = Vec::new();
    for _ in 0..150 {
        messages = delivered(&dir);
        if !messages.is_empty() && store.mail_to("not an address").await.unwrap()[0].attempts > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    task.abort();
    assert_eq!(messages.len(), 1, "exactly the valid message is delivered");
    let message = &messages[0];
    let to = message
        .lines()
        .find(|l| l.starts_with("To: "))
        .unwrap_or_default();
    assert!(
        to.contains("Grace Hopper") && to.contains("<grace@alder.test.example>"),
        "{message}"
    );
    assert!(
        message.contains("Subject: A student teacher for you: Ana Ruiz"),
        "{message}"
    );
    assert!(
        message.contains("https://tandem.test.example/placements/7"),
        "{message}"
    );
    // Sent once; the bad address is kept with its error and tried again later, never a crash.
    let sent = store.mail_to("grace@alder.test.example").await.unwrap();
    assert_eq!(sent[0].attempts, 1);
    let unsent = store.unsent_mail(10).await.unwrap();
    assert_eq!(unsent.len(), 1);
    assert_eq!(unsent[0].to_address, "not an address");
    let _ = std::fs::remove_dir_all(&dir);

    // Asked for STARTTLS, Tandem sends nothing to a server that does not offer it: the message
    // waits with the error, never goes out in clear text.
    let (_plain, port) = smtp_sink(&dir).await;
    store
        .enqueue_mail(&[mail("alan@alder.test.example")])
        .await
        .unwrap();
    let task = spawn(
        store.clone(),
        config(format!("smtp://127.0.0.1:{port}?tls=required")),
    )
    .unwrap();
    let mut waiting = Vec::new();
    for _ in 0..150 {
        waiting = store.mail_to("alan@alder.test.example").await.unwrap();
        if waiting[0].attempts > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    task.abort();
    assert!(waiting[0].attempts > 0);
    let unsent = store.unsent_mail(10).await.unwrap();
    assert!(
        unsent
            .iter()
            .any(|m| m.to_address == "alan@alder.test.example")
    );
    assert!(delivered(&dir).is_empty(), "nothing reached the server");
    let _ = std::fs::remove_dir_all(&dir);

    // A relay that cannot be reached at start-up is refused with a message, not a panic.
    let refused = spawn(store, config("http://not-smtp"));
    assert!(refused.unwrap_err().contains("SMTP URL"));
}
