-- Tasks people plan with: per-user numbers, priority, tags, dates,
-- reminders, recurrence and search; per-user numbers for conversations;
-- user settings. Existing tasks and conversations are numbered 1..n per
-- user in the order they were created; nothing is lost.

-- Per-user counters: the next number to give. Taking one locks the user's
-- row, so concurrent creates get distinct numbers without gaps, and numbers
-- are never reused (deleting a task does not lower the counter).
ALTER TABLE users ADD COLUMN next_task_id BIGINT NOT NULL DEFAULT 1;
ALTER TABLE users ADD COLUMN next_conversation_id BIGINT NOT NULL DEFAULT 1;
-- How many tasks the user has, and how many of them are completed: kept in
-- step by every write, so a list's total and the task limit cost no count.
ALTER TABLE users ADD COLUMN task_count BIGINT NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN completed_count BIGINT NOT NULL DEFAULT 0;

CREATE TABLE user_settings (
    user_id    TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    -- An IANA time zone name, checked by the application.
    timezone   TEXT NOT NULL DEFAULT 'UTC',
    updated_at TIMESTAMPTZ NOT NULL
);

-- Tasks: number per user.
ALTER TABLE tasks ALTER COLUMN id DROP IDENTITY;
ALTER TABLE tasks DROP CONSTRAINT tasks_pkey;
DROP INDEX tasks_user_id_idx;
UPDATE tasks SET id = numbered.n
FROM (SELECT id, row_number() OVER (PARTITION BY user_id ORDER BY created_at, id) AS n FROM tasks) AS numbered
WHERE tasks.id = numbered.id;
ALTER TABLE tasks ADD PRIMARY KEY (user_id, id);
UPDATE users SET next_task_id = 1 + (SELECT count(*) FROM tasks WHERE tasks.user_id = users.id),
    task_count = (SELECT count(*) FROM tasks WHERE tasks.user_id = users.id),
    completed_count = (SELECT count(*) FROM tasks WHERE tasks.user_id = users.id AND tasks.completed);

-- The planning fields. Priority is stored as its rank (0 none .. 3 high) so
-- that sorting by it is sorting by a number.
ALTER TABLE tasks ADD COLUMN priority SMALLINT NOT NULL DEFAULT 0 CHECK (priority BETWEEN 0 AND 3);
-- Tags as ' tag1 tag2 ' (tags have no spaces), so one LIKE finds a tag on
-- both stores.
ALTER TABLE tasks ADD COLUMN tags TEXT NOT NULL DEFAULT ' ';
ALTER TABLE tasks ADD COLUMN due_at TIMESTAMPTZ;
ALTER TABLE tasks ADD COLUMN remind_at TIMESTAMPTZ;
ALTER TABLE tasks ADD COLUMN reminded_at TIMESTAMPTZ;
ALTER TABLE tasks ADD COLUMN recurrence TEXT
    CHECK (recurrence IN ('daily', 'weekdays', 'weekly', 'monthly', 'yearly'));
ALTER TABLE tasks ADD COLUMN completed_at TIMESTAMPTZ;
UPDATE tasks SET completed_at = updated_at WHERE completed;
-- Lower-cased by the application: the sort key for titles, compared byte by
-- byte (COLLATE "C") like SQLite does, so both stores sort alike.
ALTER TABLE tasks ADD COLUMN title_key TEXT COLLATE "C";
UPDATE tasks SET title_key = lower(title);
ALTER TABLE tasks ALTER COLUMN title_key SET NOT NULL;
-- Lower-cased title and description, searched by substring.
ALTER TABLE tasks ADD COLUMN search_text TEXT;
UPDATE tasks SET search_text = lower(title || E'\n' || coalesce(description, ''));
ALTER TABLE tasks ALTER COLUMN search_text SET NOT NULL;

-- One index per sort order, each led by the user: a page costs the same
-- however many tasks the user has.
CREATE INDEX tasks_user_due_idx ON tasks (user_id, due_at, id);
CREATE INDEX tasks_user_priority_idx ON tasks (user_id, priority DESC, due_at, id);
CREATE INDEX tasks_user_updated_idx ON tasks (user_id, updated_at, id);
CREATE INDEX tasks_user_title_idx ON tasks (user_id, title_key, id);
CREATE INDEX tasks_user_completed_idx ON tasks (user_id, completed, id);
CREATE INDEX tasks_reminders_idx ON tasks (user_id, remind_at) WHERE remind_at IS NOT NULL AND reminded_at IS NULL;
-- Substring search by trigrams.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX tasks_search_idx ON tasks USING gin (search_text gin_trgm_ops);

-- Conversations: number per user; messages follow their conversation.
ALTER TABLE messages DROP CONSTRAINT messages_conversation_id_fkey;
CREATE TEMPORARY TABLE conversation_numbers ON COMMIT DROP AS
    SELECT id AS old_id, row_number() OVER (PARTITION BY user_id ORDER BY created_at, id) AS new_id
    FROM conversations;
UPDATE messages SET conversation_id = numbers.new_id
FROM conversation_numbers AS numbers WHERE messages.conversation_id = numbers.old_id;
ALTER TABLE conversations ALTER COLUMN id DROP IDENTITY;
ALTER TABLE conversations DROP CONSTRAINT conversations_pkey;
UPDATE conversations SET id = numbers.new_id
FROM conversation_numbers AS numbers WHERE conversations.id = numbers.old_id;
ALTER TABLE conversations ADD PRIMARY KEY (user_id, id);
ALTER TABLE messages ADD FOREIGN KEY (user_id, conversation_id)
    REFERENCES conversations (user_id, id) ON DELETE CASCADE;
DROP INDEX messages_conversation_idx;
CREATE INDEX messages_conversation_idx ON messages (user_id, conversation_id, id);
UPDATE users SET next_conversation_id = 1 + (SELECT count(*) FROM conversations WHERE conversations.user_id = users.id);
-- A conversation can be renamed; until then its first message names it.
ALTER TABLE conversations ADD COLUMN title TEXT;
