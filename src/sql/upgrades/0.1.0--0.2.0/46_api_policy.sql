-- 0.1.0 to 0.2.0, changes to 46_api_policy.sql: policy rules
-- artifacts_checked and required_constraints.
COMMENT ON COLUMN mreg.policy.rule IS 'The rule, normalised (see doc/governance.md): min_metrics, max_metrics, slices, max_slice_gap, required_approvals, approver_role, separation_of_duties, allowed_licenses, require_data_rights, escalate_to, review_due, artifacts_checked, required_constraints';

-- @replace mreg_internal.validate_rule
