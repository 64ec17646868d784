// node-postgres (npm pg, installed by test/client/npm.sh): a listener LISTENs
// to mreg_events and consumes the outbox with mreg.consume_events while
// three other clients register versions at once.  Nothing is lost, nothing
// comes twice, and the NOTIFY payloads carry ids and kinds only.
'use strict';
const { Client } = require('pg');

const DB = 'mreg_client_node';
const LISTENER = 'node_client_listener';
const WRITERS = 3, PER_WRITER = 20;
let failures = 0;
function check(cond, what) {
  console.log((cond ? 'ok - ' : 'not ok - ') + what);
  if (!cond) failures++;
}
const connect = async (opts) => { const c = new Client(opts); await c.connect(); return c; };

async function main() {
  const admin = await connect({ database: 'postgres' });
  await admin.query(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
  await admin.query(`DROP ROLE IF EXISTS ${LISTENER}`);
  await admin.query(`CREATE DATABASE ${DB}`);
  const su = await connect({ database: DB });
  try {
    await su.query('SET client_min_messages = warning');
    await su.query('CREATE EXTENSION mreg CASCADE');      // creates the group roles if absent
    await su.query(`CREATE ROLE ${LISTENER} LOGIN IN ROLE mreg_reader`);
    await su.query("SELECT mreg.create_project('stream')");
    await su.query(`SELECT mreg.grant_access('stream', '${LISTENER}', 'read')`);

    // the listener: a doorbell, and the outbox read on every ring
    const listener = await connect({ database: DB, user: LISTENER });
    const payloads = [];
    const seen = new Map();                  // event id -> event
    let draining = Promise.resolve();
    const drain = () => (draining = draining.then(async () => {
      for (;;) {
        const r = await listener.query("SELECT id, kind, entity_id FROM mreg.consume_events('node-listener', 50)");
        if (r.rows.length === 0) return;
        for (const e of r.rows) {
          if (seen.has(e.id)) check(false, `event ${e.id} delivered twice`);
          seen.set(e.id, e);
        }
      }
    }));
    listener.on('notification', (n) => { payloads.push(n.payload); drain(); });
    await listener.query('LISTEN mreg_events');

    // three writers at once, each version its own transaction
    const writers = await Promise.all(Array.from({ length: WRITERS }, () => connect({ database: DB })));
    await Promise.all(writers.map(async (w, i) => {
      for (let k = 0; k < PER_WRITER; k++) {
        await w.query("SELECT mreg.register_model_version('stream', $1, $2)", [`model-${i}`, `1.${k}.0`]);
      }
    }));
    const ids = (await su.query('SELECT id FROM mreg.model_version ORDER BY id')).rows.map((r) => String(r.id));
    check(ids.length === WRITERS * PER_WRITER, `${ids.length} versions registered by ${WRITERS} clients at once`);

    // until the listener has caught up (a last poll covers a late doorbell)
    const deadline = Date.now() + 30000;
    let got = [];
    while (Date.now() < deadline) {
      await drain();
      got = [...seen.values()].filter((e) => e.kind === 'model_version.registered').map((e) => String(e.entity_id));
      if (got.length >= ids.length) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    got.sort((a, b) => Number(a) - Number(b));
    check(JSON.stringify(got) === JSON.stringify(ids), `every registration consumed exactly once (${got.length} of ${ids.length})`);
    check(payloads.length > 0, `notifications arrived (${payloads.length})`);
    const keys = new Set(payloads.flatMap((p) => Object.keys(JSON.parse(p))));
    check(JSON.stringify([...keys].sort()) === JSON.stringify(['entity', 'entity_id', 'id', 'kind', 'project_id']),
          `payloads carry ids and kinds only (${[...keys].sort().join(', ')})`);
    check(!payloads.some((p) => p.includes('model-')), 'no model name travels in a payload');
    const total = Number((await su.query('SELECT count(*) FROM mreg.event')).rows[0].count);
    check(seen.size === total, `the listener read the whole outbox (${seen.size} of ${total})`);
    await Promise.all(writers.map((w) => w.end()));
    await listener.end();
  } finally {
    await su.end();
    await admin.query(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
    await admin.query(`DROP ROLE IF EXISTS ${LISTENER}`);
    await admin.end();
  }
  if (failures) { console.log(`${failures} failed`); process.exit(1); }
  console.log('all passed');
}
main().catch((e) => { console.error(e); process.exit(1); });
