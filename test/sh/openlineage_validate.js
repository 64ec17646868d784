// Validates OpenLineage events, one JSON document a line on stdin, against
// the OpenLineage JSON Schema (draft 2020-12) with ajv and ajv-formats.
// usage: node openlineage_validate.js NODE_MODULES SCHEMA.json < events
// Prints "ok N" or "invalid N: errors" per line; exits 1 when any is invalid.
'use strict';
const path = require('path');
const fs = require('fs');
const modules = process.argv[2];
const Ajv2020 = require(path.join(modules, 'ajv/dist/2020')).default;
const addFormats = require(path.join(modules, 'ajv-formats')).default;
const schema = JSON.parse(fs.readFileSync(process.argv[3], 'utf8'));
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
const validate = ajv.compile(schema);
let bad = 0, n = 0;
for (const line of fs.readFileSync(0, 'utf8').split('\n')) {
  if (line.trim() === '') continue;
  n++;
  const ev = JSON.parse(line);
  if (validate(ev)) {
    console.log(`ok ${n}`);
  } else {
    bad++;
    console.log(`invalid ${n}: ${ajv.errorsText(validate.errors, { separator: '; ' })}`);
  }
}
console.log(`validated ${n} events with ajv ${require(path.join(modules, 'ajv/package.json')).version}, ${bad} invalid`);
process.exit(bad ? 1 : 0);
