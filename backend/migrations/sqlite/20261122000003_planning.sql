-- Same changes as migrations/postgres, in SQLite's dialect: tables whose
-- key changes are rebuilt and their rows copied, numbered 1..n per user.

ALTER TABLE users ADD COLUMN next_task_id INTEGER NOT NULL DEFAULT 1;
ALTER TABLE users ADD COLUMN next_conversation_id INTEGER NOT NULL DEFAULT 1;
ALTER TABLE users ADD COLUMN task_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN completed_count INTEGER NOT NULL DEFAULT 0;

CREATE TABLE user_settings (
    user_id    TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    timezone   TEXT NOT NULL DEFAULT 'UTC',
    updated_at TEXT NOT NULL
);

CREATE TABLE tasks_numbered (
    -- An explicit row id: the search index refers to rows by it, and VACUUM
    -- would renumber an implicit one.
    row_id       INTEGER PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    id           INTEGER NOT NULL,
    title        TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    description  TEXT CHECK (length(description) <= 1000),
    completed    BOOLEAN NOT NULL DEFAULT FALSE,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    priority     INTEGER NOT NULL DEFAULT 0 CHECK (priority BETWEEN 0 AND 3),
    tags         TEXT NOT NULL DEFAULT ' ',
    due_at       TEXT,
    remind_at    TEXT,
    reminded_at  TEXT,
    recurrence   TEXT CHECK (recurrence IN ('daily', 'weekdays', 'weekly', 'monthly', 'yearly')),
    completed_at TEXT,
    title_key    TEXT NOT NULL,
    search_text  TEXT NOT NULL,
    UNIQUE (user_id, id)
);
INSERT INTO tasks_numbered (user_id, id, title, description, completed, created_at, updated_at,
                            completed_at, title_key, search_text)
SELECT user_id, row_number() OVER (PARTITION BY user_id ORDER BY created_at, id), title, description, completed,
       created_at, updated_at, CASE WHEN completed THEN updated_at END,
       lower(title), lower(title || char(10) || coalesce(description, ''))
FROM tasks;
DROP TABLE tasks;
ALTER TABLE tasks_numbered RENAME TO tasks;
UPDATE users SET next_task_id = 1 + (SELECT count(*) FROM tasks WHERE tasks.user_id = users.id),
    task_count = (SELECT count(*) FROM tasks WHERE tasks.user_id = users.id),
    completed_count = (SELECT count(*) FROM tasks WHERE tasks.user_id = users.id AND tasks.completed);

CREATE INDEX tasks_user_due_idx ON tasks (user_id, due_at, id);
CREATE INDEX tasks_user_priority_idx ON tasks (user_id, priority DESC, due_at, id);
CREATE INDEX tasks_user_updated_idx ON tasks (user_id, updated_at, id);
CREATE INDEX tasks_user_title_idx ON tasks (user_id, title_key, id);
CREATE INDEX tasks_user_completed_idx ON tasks (user_id, completed, id);
CREATE INDEX tasks_reminders_idx ON tasks (user_id, remind_at) WHERE remind_at IS NOT NULL AND reminded_at IS NULL;

-- Substring search: an FTS5 trigram index over search_text, kept in step
-- with the table by triggers.
CREATE VIRTUAL TABLE tasks_search USING fts5(
    search_text, content = 'tasks', content_rowid = 'row_id', tokenize = 'trigram case_sensitive 1'
);
INSERT INTO tasks_search (rowid, search_text) SELECT row_id, search_text FROM tasks;
CREATE TRIGGER tasks_search_insert AFTER INSERT ON tasks BEGIN
    INSERT INTO tasks_search (rowid, search_text) VALUES (new.row_id, new.search_text);
END;
CREATE TRIGGER tasks_search_delete AFTER DELETE ON tasks BEGIN
    INSERT INTO tasks_search (tasks_search, rowid, search_text) VALUES ('delete', old.row_id, old.search_text);
END;
CREATE TRIGGER tasks_search_update AFTER UPDATE OF search_text ON tasks BEGIN
    INSERT INTO tasks_search (tasks_search, rowid, search_text) VALUES ('delete', old.row_id, old.search_text);
    INSERT INTO tasks_search (rowid, search_text) VALUES (new.row_id, new.search_text);
END;

-- Conversations and their messages, renumbered together.
CREATE TABLE conversations_numbered (
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    id         INTEGER NOT NULL,
    title      TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (user_id, id)
);
CREATE TEMPORARY TABLE conversation_numbers AS
    SELECT id AS old_id, row_number() OVER (PARTITION BY user_id ORDER BY created_at, id) AS new_id
    FROM conversations;
INSERT INTO conversations_numbered (user_id, id, created_at, updated_at)
SELECT c.user_id, n.new_id, c.created_at, c.updated_at
FROM conversations AS c JOIN conversation_numbers AS n ON n.old_id = c.id;
CREATE TABLE messages_numbered (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id         TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    conversation_id INTEGER NOT NULL,
    role            TEXT NOT NULL CHECK (role IN ('user', 'assistant')),
    content         TEXT NOT NULL,
    tool_calls      TEXT,
    created_at      TEXT NOT NULL,
    FOREIGN KEY (user_id, conversation_id) REFERENCES conversations_numbered (user_id, id) ON DELETE CASCADE
);
INSERT INTO messages_numbered (id, user_id, conversation_id, role, content, tool_calls, created_at)
SELECT m.id, m.user_id, n.new_id, m.role, m.content, m.tool_calls, m.created_at
FROM messages AS m JOIN conversation_numbers AS n ON n.old_id = m.conversation_id;
DROP TABLE conversation_numbers;
-- Old messages first: they point at the old conversations.
DROP TABLE messages;
DROP TABLE conversations;
ALTER TABLE conversations_numbered RENAME TO conversations;
ALTER TABLE messages_numbered RENAME TO messages;
CREATE INDEX conversations_user_id_idx ON conversations (user_id, updated_at DESC);
CREATE INDEX messages_conversation_idx ON messages (user_id, conversation_id, id);
UPDATE users SET next_conversation_id = 1 + (SELECT count(*) FROM conversations WHERE conversations.user_id = users.id);
