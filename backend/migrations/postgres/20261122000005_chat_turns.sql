-- What the built-in assistant is waiting for (a confirmation bound to the
-- exact tasks it listed, or an answer to "which one?") and the task named
-- last (what "it" means), as JSON: kept as data, so that an answer works
-- after a restart and on any replica.
ALTER TABLE conversations ADD COLUMN agent_state TEXT;

-- The lease that makes turns on one conversation run one after another:
-- the turn holding it, and until when (Unix milliseconds) in case its
-- replica died mid-turn.
ALTER TABLE conversations ADD COLUMN turn_holder TEXT;
ALTER TABLE conversations ADD COLUMN turn_until BIGINT;
