-- doc-test setup (<!-- doc-test: setup pictures.sql -->) for doc/pictures.md, and the
-- registry test/sh/pictures_render.sh draws: one model with five versions trained
-- on monthly snapshots, recall/precision/log_loss on three slices, aliases, a tag,
-- a note, 2.0.0 live in production and 2.1.0 a 10% canary beside it.  Fixed values
-- and evaluation times (registration and deployment times are the day it runs).
\set QUIET on
\o /dev/null
SELECT mreg.create_project('fraud', 'Card fraud detection');
SELECT mreg.register_dataset_version('fraud', 'card-tx', '2026-0' || m, 's3://lake/card-tx/2026-0' || m) FROM generate_series(1, 5) m;
SELECT mreg.define_feature('fraud', 'amount_7d', 'float8');
SELECT mreg.define_feature('fraud', 'merchant_age', 'int');
SELECT mreg.register_model('fraud', 'fraud-gbm', 'Gradient-boosted trees that flag card fraud', task => 'binary-classification');
DO $$
DECLARE
    r bigint;
    v bigint;
    ver text[] := ARRAY['1.0.0', '1.1.0', '1.2.0', '2.0.0', '2.1.0'];
    recall float8[] := ARRAY[0.812, 0.834, 0.851, 0.846, 0.873];
    i int;
BEGIN
    FOR i IN 1..5 LOOP
        r := mreg.log_run('fraud', 'gbm-monthly', jsonb_build_object('max_depth', 5 + i), '{}',
                          ARRAY['dataset:card-tx@2026-0' || i], code_ref => 'git@a1b2c3' || i,
                          features => '{"amount_7d": 0.6, "merchant_age": 0.2}',
                          started_at => format('2026-0%s-03 08:00+00', i)::timestamptz,
                          ended_at => format('2026-0%s-03 09:30+00', i)::timestamptz);
        v := mreg.register_model_version('fraud', 'fraud-gbm', ver[i]::mreg.semver, r);
        PERFORM mreg.log_evaluation(v, 'recall', recall[i], slice => 'all', evaluated_at => format('2026-0%s-04 10:00+00', i)::timestamptz);
        PERFORM mreg.log_evaluation(v, 'recall', round((recall[i] - 0.04 + i * 0.004)::numeric, 3)::float8, slice => 'eu', evaluated_at => format('2026-0%s-04 10:00+00', i)::timestamptz);
        PERFORM mreg.log_evaluation(v, 'recall', round((recall[i] + 0.02 - i * 0.002)::numeric, 3)::float8, slice => 'us', evaluated_at => format('2026-0%s-04 10:00+00', i)::timestamptz);
        PERFORM mreg.log_evaluation(v, 'precision', round((0.9 - i * 0.006)::numeric, 3)::float8, evaluated_at => format('2026-0%s-04 10:00+00', i)::timestamptz);
        PERFORM mreg.log_evaluation(v, 'log_loss', round((0.31 - i * 0.012)::numeric, 3)::float8, evaluated_at => format('2026-0%s-04 10:00+00', i)::timestamptz);
    END LOOP;
END
$$;
SELECT mreg.set_status('fraud', 'fraud-gbm', '2.0.0', 'production', 'approved by the risk committee');
SELECT mreg.set_status('fraud', 'fraud-gbm', '2.1.0', 'staging', 'passed offline validation');
SELECT mreg.set_alias('fraud', 'fraud-gbm', '@champion', '2.0.0');
SELECT mreg.set_alias('fraud', 'fraud-gbm', '@challenger', '2.1.0');
SELECT mreg.promote('fraud', 'fraud-gbm', '2.0.0', 'staging');
SELECT mreg.promote('fraud', 'fraud-gbm', '2.0.0', 'production', endpoint => 'https://fraud-gbm.risk.internal/v2');
SELECT mreg.promote('fraud', 'fraud-gbm', '2.1.0', 'staging');
SELECT mreg.promote('fraud', 'fraud-gbm', '2.1.0', 'production', 10, 'canary: 10% of traffic', endpoint => 'https://fraud-gbm.risk.internal/v2-1');
SELECT mreg.set_tag('fraud/model:fraud-gbm@2.1.0', 'reviewed-by', 'risk-ops');
SELECT mreg.annotate('fraud/model:fraud-gbm@2.1.0', 'Higher recall on the EU slice; same precision.');
\o
\set QUIET off
