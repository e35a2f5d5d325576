-- Idempotency-Key: the first answer to a create, replayed to retries of the
-- same request for 24 hours. A row without a status belongs to a request
-- that is still running (or whose replica died; it is taken over later).
CREATE TABLE idempotency_keys (
    user_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    idem_key    TEXT NOT NULL,
    -- Hash of the endpoint and the request body: a reused key with another
    -- request is refused.
    fingerprint TEXT NOT NULL,
    status      INTEGER,
    response    TEXT,
    created_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (user_id, idem_key)
);
CREATE INDEX idempotency_keys_created_at_idx ON idempotency_keys (created_at);
