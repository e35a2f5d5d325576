-- Sessions that can be ended, sign-in throttling, and personal API tokens.

-- One row per signed-in session (the `sid` of its tokens), so that a
-- password change or an account deletion can end all of a user's sessions.
CREATE TABLE sessions (
    id         TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_user_id_idx ON sessions (user_id);

-- Ended sessions whose tokens have not expired yet. Every replica keeps the
-- list in memory (refreshed every few seconds), so checking a token costs no
-- database round trip. No foreign key: the list outlives deleted accounts.
CREATE TABLE ended_sessions (
    session_id TEXT PRIMARY KEY,
    ended_at   TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX ended_sessions_ended_at_idx ON ended_sessions (ended_at);

-- Failed sign-ins per email address (known or not, so the limit reveals
-- nothing), shared by every replica.
CREATE TABLE sign_in_failures (
    email             TEXT PRIMARY KEY,
    failures          INTEGER NOT NULL,
    window_started_at TIMESTAMPTZ NOT NULL
);

-- Personal API tokens for MCP clients and scripts; only a hash is stored.
CREATE TABLE api_tokens (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   TIMESTAMPTZ NOT NULL,
    last_used_at TIMESTAMPTZ
);
CREATE INDEX api_tokens_user_id_idx ON api_tokens (user_id, created_at);
