//! Delivers the outbox over SMTP. The guard queues messages (see `guard::notify`); this task
//! sends the oldest unsent ones every few seconds, so a slow or absent mail server never holds
//! up a page. Without an SMTP server configured, messages wait in the outbox.

use std::time::Duration;

use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use tandem_store::Store;
use tandem_store::outbox::Queued;

/// How often the outbox is looked at.
const POLL: Duration = Duration::from_secs(2);
const BATCH: i64 = 50;

#[derive(Debug, Clone)]
pub struct MailConfig {
    /// Where to send, as lettre reads it: `smtp://[user:password@]host[:port]` (plain, for a
    /// relay on the same host or network), `smtp://…?tls=required` (STARTTLS, port 587 unless
    /// given) or `smtps://…` (TLS from the start, port 465 unless given).
    pub smtp_url: String,
    /// The sender, e.g. `Tandem <tandem@district.example>`.
    pub from: String,
    /// The address people open Tandem at, put before each message's link.
    pub base_url: String,
}

/// Starts delivering; a configuration that cannot work is refused here, at start-up.
pub fn spawn(store: Store, config: MailConfig) -> Result<tokio::task::JoinHandle<()>, String> {
    let transport = transport(&config.smtp_url).map_err(|e| {
        format!(
            "the SMTP URL is not usable ({e}): write smtp://[user:password@]host[:port], \
             smtp://…?tls=required for STARTTLS or smtps://… for TLS"
        )
    })?;
    let from: Mailbox = config
        .from
        .parse()
        .map_err(|e| format!("the sender address {} is not valid: {e}", config.from))?;
    let base = config.base_url.trim_end_matches('/').to_owned();
    Ok(tokio::spawn(async move {
        loop {
            deliver(&store, &transport, &from, &base).await;
            tokio::time::sleep(POLL).await;
        }
    }))
}

/// The connection `url` names; a message waits at most 20 seconds for the server.
fn transport(
    url: &str,
) -> Result<AsyncSmtpTransport<Tokio1Executor>, lettre::transport::smtp::Error> {
    let builder = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)?;
    Ok(builder.timeout(Some(Duration::from_secs(20))).build())
}

/// Sends what is waiting; each message is marked sent, or its failure kept for the next try.
async fn deliver(
    store: &Store,
    transport: &AsyncSmtpTransport<Tokio1Executor>,
    from: &Mailbox,
    base: &str,
) {
    let queued = match store.unsent_mail(BATCH).await {
        Ok(queued) => queued,
        Err(error) => {
            tracing::warn!(%error, "could not read the outbox");
            return;
        }
    };
    for mail in queued {
        let outcome = match message(&mail, from, base) {
            Ok(message) => transport
                .send(message)
                .await
                .map(|_| ())
                .map_err(|e| e.to_string()),
            Err(e) => Err(e),
        };
        let kept = match outcome {
            Ok(()) => store.mail_sent(mail.id).await,
            Err(error) => {
                tracing::warn!(id = mail.id, %error, "could not send an e-mail");
                store.mail_failed(mail.id, &error).await
            }
        };
        if let Err(error) = kept {
            tracing::warn!(id = mail.id, %error, "could not record an e-mail's delivery");
        }
    }
}

fn message(mail: &Queued, from: &Mailbox, base: &str) -> Result<Message, String> {
    let to = Mailbox::new(
        Some(mail.to_name.clone()),
        mail.to_address
            .parse()
            .map_err(|e| format!("the address {} is not valid: {e}", mail.to_address))?,
    );
    Message::builder()
        .from(from.clone())
        .to(to)
        .subject(&mail.subject)
        .body(format!(
            "{}\n\nOpen it in Tandem: {base}{}\n",
            mail.body, mail.link
        ))
        .map_err(|e| e.to_string())
}
