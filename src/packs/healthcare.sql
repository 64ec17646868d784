-- Domain pack "healthcare" (doc/packs.md): HIPAA.  Loaded by CREATE EXTENSION;
-- applied to a project with mreg.install_pack(project, 'healthcare').
--
-- * Every model version states its intended use, who it is for and what it
--   must not be used for, and whether it was trained on protected health
--   information (PHI); fields that can hold PHI or identify people are
--   flagged "sensitive": true, so the registry masks them at rest
--   (doc/governance.md, personal data).
-- * Datasets used for training must carry usage rights (require_data_rights),
--   and the model must declare HIPAA among its regulatory constraints.
-- * Production needs an approval by someone other than the author.
SELECT mreg_internal.seed_pack('healthcare', $pack$
{
  "description": "Healthcare (HIPAA): intended-use fields, PHI flags masked at rest, data rights and HIPAA declared before publishing, an independent approval before production",
  "terms": {
    "domain": ["healthcare", "medical-imaging", "clinical-decision-support"],
    "constraint": ["hipaa", "hitech", "fda-samd"],
    "usage_rights": ["hipaa-authorized", "de-identified", "limited-data-set"]
  },
  "metadata_schemas": {
    "model_version": {
      "type": "object",
      "required": ["intended_use", "intended_users", "out_of_scope_use", "trained_on_phi"],
      "properties": {
        "intended_use":       {"type": "string", "minLength": 10},
        "intended_users":     {"type": "string", "minLength": 3},
        "out_of_scope_use":   {"type": "string", "minLength": 3},
        "patient_population": {"type": "string"},
        "trained_on_phi":     {"type": "boolean"},
        "deidentification":   {"enum": ["safe-harbor", "expert-determination", "none"]},
        "clinical_contact":   {"type": "string", "sensitive": true},
        "phi_examples":       {"sensitive": true}
      }
    }
  },
  "policies": [
    {"action": "publish", "environment": null,
     "rule": {"require_data_rights": true, "required_constraints": ["hipaa"]}},
    {"action": "promote", "environment": "production",
     "rule": {"required_approvals": 1, "separation_of_duties": true, "artifacts_checked": true}}
  ]
}
$pack$);
