-- E-mail waiting to be sent: written when something starts waiting on a person, delivered by
-- the server's mail task over SMTP, kept after sending (sent_at) or after giving up (last_error).

CREATE TABLE outbox (
    id         INTEGER PRIMARY KEY,
    to_address TEXT NOT NULL,
    to_name    TEXT NOT NULL,
    subject    TEXT NOT NULL,
    body       TEXT NOT NULL,
    -- The page the message is about (a path; the mail task adds the server's address).
    link       TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    sent_at    INTEGER,
    attempts   INTEGER NOT NULL,
    last_error TEXT
);
CREATE INDEX outbox_unsent ON outbox (sent_at, attempts);
