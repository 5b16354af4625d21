//! E-mail notices to complainants, sent over SMTP from the outbox
//! ([`prongsai_store::mail_outbox`]) after the change they tell about has been
//! committed.
//!
//! Configured by `PRONGSAI_SMTP_URL` (`smtp://host:port`, plain SMTP as to a local relay
//! such as Postfix, which takes care of TLS onwards) and `PRONGSAI_MAIL_FROM` (the
//! sender address, e.g. `ร้องเรียน <complaints@example.go.th>`). Without a URL nothing is
//! sent and notices wait in the outbox until one is configured.

use lettre::message::header::ContentType;
use lettre::message::{Mailbox, Message};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use prongsai_store::{Db, mail_outbox};

/// An SMTP connection's settings, ready to send.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer")
            .field("from", &self.from.to_string())
            .finish()
    }
}

/// Reads `smtp://host[:port]` (port 25 when left out).
pub fn parse_smtp_url(url: &str) -> Result<(String, u16), String> {
    let rest = url.trim().strip_prefix("smtp://").ok_or_else(|| {
        format!("PRONGSAI_SMTP_URL must look like smtp://host:port (got {url:?})")
    })?;
    let rest = rest.trim_end_matches('/');
    let (host, port) = match rest.rsplit_once(':') {
        Some((h, p)) => (
            h,
            p.parse::<u16>()
                .map_err(|_| format!("bad port in PRONGSAI_SMTP_URL: {p:?}"))?,
        ),
        None => (rest, 25),
    };
    if host.is_empty() || host.contains('@') {
        return Err("PRONGSAI_SMTP_URL needs a host name (credentials are not supported: use a local relay)".into());
    }
    Ok((host.to_string(), port))
}

impl Mailer {
    pub fn new(smtp_url: &str, from: &str) -> Result<Mailer, String> {
        let (host, port) = parse_smtp_url(smtp_url)?;
        let from: Mailbox = from
            .parse()
            .map_err(|e| format!("PRONGSAI_MAIL_FROM is not an e-mail address: {e}"))?;
        let transport = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
            .port(port)
            .timeout(Some(std::time::Duration::from_secs(20)))
            .build();
        Ok(Mailer { transport, from })
    }

    /// Sends one plain-text UTF-8 message.
    pub async fn send(&self, to: &str, subject: &str, body: &str) -> Result<(), String> {
        let to: Mailbox = to.parse().map_err(|e| format!("bad recipient: {e}"))?;
        let msg = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(body.to_string())
            .map_err(|e| format!("cannot build the message: {e}"))?;
        self.transport
            .send(msg)
            .await
            .map(|_| ())
            .map_err(|e| format!("SMTP: {e}"))
    }
}

/// Sends every message that is due; returns how many went out.
pub async fn drain(db: &Db, mailer: &Mailer) -> Result<usize, prongsai_store::StoreError> {
    let mut sent = 0;
    loop {
        let batch = mail_outbox::claim_due(db, prongsai_store::now_ms(), 20).await?;
        if batch.is_empty() {
            return Ok(sent);
        }
        for m in batch {
            match mailer.send(&m.to_addr, &m.subject, &m.body).await {
                Ok(()) => {
                    mail_outbox::mark_sent(db, m.id).await?;
                    sent += 1;
                }
                Err(e) => {
                    // The address is not logged: it is personal data.
                    tracing::warn!(outbox_id = m.id, attempts = m.attempts, error = %e, "mail not sent; will retry");
                    mail_outbox::mark_failed(db, m.id, m.attempts, &e).await?;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smtp_urls() {
        assert_eq!(
            parse_smtp_url("smtp://127.0.0.1:2525"),
            Ok(("127.0.0.1".into(), 2525))
        );
        assert_eq!(
            parse_smtp_url("smtp://mail.local"),
            Ok(("mail.local".into(), 25))
        );
        assert!(parse_smtp_url("http://x").is_err());
        assert!(parse_smtp_url("smtp://u:p@x:25").is_err());
    }
}
