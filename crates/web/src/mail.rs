//! Delivers the outbox over SMTP. The guard queues messages (see `guard::notify`); this task
//! sends the oldest unsent ones every few seconds, so a slow or absent mail server never holds
//! up a page. Without an SMTP server configured, messages wait in the outbox.

use std::time::Duration;

use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use tandem_store::Store;
use tandem_store::outbox::Queued;

/// How often the outbox is looked at.
const POLL: Duration = Duration::from_secs(2);
const BATCH: i64 = 50;

#[derive(Debug, Clone)]
pub struct MailConfig {
    /// `smtp://[user:password@]host[:port]`: a relay on the same host or network.
    pub smtp_url: String,
    /// The sender, e.g. `Tandem <tandem@district.example>`.
    pub from: String,
    /// The address people open Tandem at, put before each message's link.
    pub base_url: String,
}

/// Starts delivering; a configuration that cannot work is refused here, at start-up.
pub fn spawn(store: Store, config: MailConfig) -> Result<tokio::task::JoinHandle<()>, String> {
    let transport = transport(&config.smtp_url).ok_or_else(|| {
        format!(
            "the SMTP URL {} is not usable: write smtp://[user:password@]host[:port]",
            config.smtp_url
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

/// A plain SMTP connection to the relay of `smtp://[user:password@]host[:port]` (port 25 when
/// not given).
fn transport(url: &str) -> Option<AsyncSmtpTransport<Tokio1Executor>> {
    let rest = url.strip_prefix("smtp://")?.trim_end_matches('/');
    let (credentials, address) = match rest.rsplit_once('@') {
        Some((credentials, address)) => (Some(credentials), address),
        None => (None, rest),
    };
    let (host, port) = match address.rsplit_once(':') {
        Some((host, port)) => (host, port.parse().ok()?),
        None => (address, 25),
    };
    if host.is_empty() {
        return None;
    }
    let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
        .port(port)
        .timeout(Some(Duration::from_secs(20)));
    if let Some((user, password)) = credentials.and_then(|c| c.split_once(':')) {
        builder = builder.credentials(Credentials::new(user.to_owned(), password.to_owned()));
    }
    Some(builder.build())
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
