-- 0.1.0 to 0.2.0, changes to 63_search_plan.sql: the plan type gained
-- fields (a type's attributes keep their order only when it is made anew),
-- word_query a loose form, search_where a part, search_from is new.  The
-- type goes with every function over it (here and in 64_search_api.sql,
-- which its delta makes again); then the file as it is now (appended by the Makefile: UPGRADE_REPLACE).
DROP TYPE mreg_internal.search_plan CASCADE;
DROP FUNCTION mreg_internal.word_query(text);
