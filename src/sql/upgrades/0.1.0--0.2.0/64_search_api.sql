-- 0.1.0 to 0.2.0, changes to 64_search_api.sql: ranking windows
-- (search_window), GIN first, one-pass facets, cheaper snippets; suggest()
-- moved to 65_search_suggest.sql (a new file, which makes it again).  The
-- file as it is now, appended by the Makefile (UPGRADE_REPLACE; the functions over the plan type were dropped with it
-- by the 63 delta).
DROP FUNCTION mreg.suggest(text);
