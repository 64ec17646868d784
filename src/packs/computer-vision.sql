-- Domain pack "computer-vision" (doc/packs.md): dataset licensing and image
-- rights.  Loaded by CREATE EXTENSION; applied with
-- mreg.install_pack(project, 'computer-vision').
--
-- * Every model version names the licence of its training images, how the
--   rights to the images were obtained, and whether they show people's
--   faces (and if so, on what consent).
-- * Every dataset version in the provenance must carry usage rights that
--   allow training (require_data_rights), and the files of a version must
--   have been checked before production.
SELECT mreg_internal.seed_pack('computer-vision', $pack$
{
  "description": "Computer vision: training-image licence and image-rights fields, faces and consent, dataset usage rights before publishing, artifact checks before production",
  "terms": {
    "domain": ["computer-vision", "medical-imaging"],
    "task": ["image-classification", "object-detection", "image-segmentation"],
    "usage_rights": ["commercial", "research-only", "licensed", "public-domain"]
  },
  "metadata_schemas": {
    "model_version": {
      "type": "object",
      "required": ["training_data_license", "image_rights", "contains_faces"],
      "properties": {
        "training_data_license": {"type": "string", "minLength": 2},
        "image_rights":          {"enum": ["owned", "licensed", "public-domain", "consented", "research-exemption"]},
        "contains_faces":        {"type": "boolean"},
        "face_consent":          {"enum": ["explicit", "none", "not-applicable"]},
        "image_sources":         {"type": "array", "items": {"type": "string"}}
      }
    }
  },
  "policies": [
    {"action": "publish", "environment": null, "rule": {"require_data_rights": true}},
    {"action": "promote", "environment": "production", "rule": {"artifacts_checked": true}}
  ]
}
$pack$);
