-- Domain pack "finance" (doc/packs.md): model risk management after the
-- Federal Reserve's SR 11-7 and fair lending (ECOA).  Loaded by CREATE
-- EXTENSION; applied with mreg.install_pack(project, 'finance').
--
-- * Every model version states its risk tier, intended use, limitations,
--   the independent validator and when it was validated (SR 11-7's
--   "effective challenge"), and when it is due for review.
-- * The model must declare SR 11-7 and fair lending among its constraints.
-- * Fair lending: before production the AUC on the protected-class slices
--   (sex and age groups) may differ by at most 0.05, and an approver other
--   than the author signs off.
SELECT mreg_internal.seed_pack('finance', $pack$
{
  "description": "Finance (SR 11-7 model risk, fair lending): risk tier, validation and limitations fields; SR 11-7 and fair lending declared; AUC gap across protected-class slices and an independent approval before production",
  "terms": {
    "domain": ["finance", "credit", "banking"],
    "constraint": ["sr-11-7", "fair-lending", "ecoa", "fcra"],
    "metric": ["auc", "ks", "gini"]
  },
  "metadata_schemas": {
    "model_version": {
      "type": "object",
      "required": ["model_risk_tier", "intended_use", "limitations", "validator", "validation_date"],
      "properties": {
        "model_risk_tier":      {"enum": ["tier-1", "tier-2", "tier-3"]},
        "intended_use":         {"type": "string", "minLength": 10},
        "limitations":          {"type": "string", "minLength": 3},
        "validator":            {"type": "string", "minLength": 1},
        "validation_date":      {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"},
        "next_review_date":     {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"},
        "compensating_controls": {"type": "string"}
      }
    }
  },
  "policies": [
    {"action": "publish", "environment": null,
     "rule": {"required_constraints": ["sr-11-7", "fair-lending"]}},
    {"action": "promote", "environment": "production",
     "rule": {"slices": ["sex:female", "sex:male", "age:under-62", "age:62-plus"],
              "max_slice_gap": {"auc": 0.05},
              "required_approvals": 1, "separation_of_duties": true}}
  ]
}
$pack$);
