-- Search through the trigram index whenever the term is rare. Measured with
-- one user of 10,000 tasks and a term in 100 of them: the search walked the
-- whole list (5 ms) instead of the index (1 ms), for two reasons.
--
-- 1. The default statistics sample too little text to judge a substring:
--    the planner expected 909 matches, not 100. A larger sample of
--    search_text brings the estimate close (90).
ALTER TABLE tasks ALTER COLUMN search_text SET STATISTICS 1000;
-- 2. GIN's "fast update" queues new entries in a pending list that every
--    search reads in full until a vacuum merges it, and the planner prices
--    the index accordingly. A todo list is written a task at a time, so
--    entries go straight into the index instead.
ALTER INDEX tasks_search_idx SET (fastupdate = off);
SELECT gin_clean_pending_list('tasks_search_idx'::regclass);
ANALYZE tasks;
