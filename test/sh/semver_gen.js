// Deterministic generator + oracle behind `make semver-fixture`: writes the
// fixture test/sh/semver_node.sh checks mreg against, one TSV file per
// question (versions, ranges, valid, satisfies, max_satisfying, order, bump),
// each starting with '#' header lines that name the node-semver version.
// Usage:
//   node semver_gen.js NODE_MODULES_DIR OUT_DIR [NVERSIONS] [NRANGES]
'use strict'
const path = require('path')
const fs = require('fs')
const semver = require(path.join(process.argv[2], 'semver'))
const semverVersion = require(path.join(process.argv[2], 'semver', 'package.json')).version
const out = process.argv[3]
const NV = +(process.argv[4] || 600)
const NR = +(process.argv[5] || 2500)
const SEED = 20240611

// mulberry32: a small seeded PRNG, so every run generates the same data
let seed = SEED
const rnd = () => {
  seed |= 0; seed = (seed + 0x6D2B79F5) | 0
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}
const pick = a => a[Math.floor(rnd() * a.length)]
const chance = p => rnd() < p

const NUMS = [0, 0, 0, 1, 1, 2, 3, 10]
const PRES = ['alpha', 'beta', 'rc', '0', '1', '2', 'alpha.1', 'alpha.2', 'beta.2', 'beta.11', 'rc.1',
  'rc.10', '1.2', 'x-y', 'alpha.beta', '0a', '-', 'a.b.c.d', '9007199254740990']
const BUILDS = ['b1', '001', 'sha.5114f85', 'x-y.z']

const version = () => {
  let v = `${pick(NUMS)}.${pick(NUMS)}.${pick(NUMS)}`
  if (chance(0.4)) v += '-' + pick(PRES)
  if (chance(0.15)) v += '+' + pick(BUILDS)
  return v
}
const xr = () => chance(0.15) ? pick(['x', 'X', '*']) : String(pick(NUMS))
const partial = (allowPre) => {
  const n = pick([1, 2, 3, 3, 3])
  const parts = []
  // wildcards trail (1.x, 1.2.*); rarely anywhere, which node-semver rejects
  const xfrom = chance(0.05) ? -1 : (chance(0.25) ? Math.floor(rnd() * n) : n)
  for (let i = 0; i < n; i++) {
    parts.push(xfrom < 0 ? xr() : (i >= xfrom ? pick(['x', 'X', '*']) : String(pick(NUMS))))
  }
  let s = parts.join('.')
  if (n === 3 && allowPre && chance(0.3)) s += '-' + pick(PRES)
  if (chance(0.05)) s += '+' + pick(BUILDS)
  if (chance(0.08)) s = 'v' + s
  return s
}
const comparator = () => {
  const k = rnd()
  const sp = chance(0.1) ? ' ' : ''
  if (k < 0.2) return '^' + sp + partial(true)
  if (k < 0.35) return pick(['~', '~>']) + sp + partial(true)
  if (k < 0.75) return pick(['<', '<=', '>', '>=', '=']) + sp + partial(true)
  if (k < 0.8) return pick(['*', 'x', ''])
  return partial(true)
}
const set = () => {
  if (chance(0.15)) return partial(true) + ' - ' + partial(true)
  const n = pick([1, 1, 2, 2, 3])
  const c = []
  for (let i = 0; i < n; i++) c.push(comparator())
  return c.join(pick([' ', ' ', '  ']))
}
const range = () => {
  const n = pick([1, 1, 1, 2, 3])
  const s = []
  for (let i = 0; i < n; i++) s.push(set())
  return s.join(pick([' || ', '||', '  ||  ']))
}

// versions
const versions = []
for (let i = 0; i < NV; i++) versions.push(version())
const fixedV = ['0.0.0', '0.0.0-0', '0.0.0-alpha', '1.0.0', '1.2.3', '1.2.3-alpha', '2.0.0-0']
versions.push(...fixedV)

const fixedR = ['^0.0.x', '^0.0', '^0.x', '~1', '~0', '<1.2', '<=1.2', '>1.2', '>1', '1.2.3 - 2', '1.2 - 2.3.4',
  '* || 1.2.3-alpha', '>=0.0.0 <=0.0.0-beta', '<0.0.0-0 || 1.x', '', '*', '>*', '<*', '<=*', '1.2.x-beta',
  '^1.2.3-beta.2', '~1.2.3-beta.2', '^0.0.3-beta', '=1.2', '==1.2', 'v=1.2', '>= 1.2.3', '~> 1.2',
  // invalid in node-semver and here
  '1.x.3', '*.1', 'x.2', '1.2-beta', '1.2.3-01', '01.2.3', '1.2.3 - ', '- 1.2.3', '1.2.3 -2', '>=', '^', '~',
  '1.2.3 | 1.2.4', '>==1.2.3', '==1.2.3', 'v=1.2.3', 'foo', '1.2.3.4', '1..2', '1.2.3-', '1.2.3+', '1.2.3-a..b',
  '^>=1.2', '>=1.2.3 - 2', 'a || 1']
const ranges = []
for (let i = 0; i < NR; i++) ranges.push(range())
ranges.push(...fixedR)
for (const t of versions.concat(ranges)) {
  if (/[\t\n\\]/.test(t)) throw new Error(`text not safe for COPY: ${JSON.stringify(t)}`)
}

// Each file: header lines starting with '#', then rows "i<TAB>...".
const write = (name, question, columns, rows) => {
  const head = [
    `# ${question}`,
    `# answers of node-semver ${semverVersion} (node ${process.version}), defaults (not loose, no includePrerelease)`,
    `# inputs: test/sh/semver_gen.js, seed ${SEED}, ${versions.length} versions, ${ranges.length} ranges`,
    '# regenerate: make semver-fixture (needs node and npm); do not edit by hand',
    `# columns: ${columns}`]
  fs.writeFileSync(path.join(out, name), head.map(l => l + '\n').join('') + rows.join(''))
}

write('versions.tsv', 'the generated versions', 'i, version',
  versions.map((v, i) => `${i}\t${v}\n`))

// ordering oracle: rank = number of versions strictly lower
write('order.tsv', 'semver.lt: rank of each version (how many versions are strictly lower)', 'i (versions.tsv), rank',
  versions.map((v, i) => `${i}\t${versions.filter(w => semver.lt(w, v)).length}\n`))

// bump oracle
const parts = ['major', 'minor', 'patch', 'prerelease']
write('bump.tsv', 'semver.inc(version, part)', 'i (versions.tsv), part, result',
  versions.flatMap((v, i) => parts.map(p => `${i}\t${p}\t${semver.inc(v, p)}\n`)))

write('ranges.tsv', 'the generated ranges', 'i, range',
  ranges.map((r, i) => `${i}\t${r}\n`))

// valid flag; for valid ranges a satisfies bitmap over all versions and max_satisfying
const parsed = ranges.map(r => { try { return new semver.Range(r) } catch (e) { return null } })
write('valid.tsv', 'new semver.Range(range) succeeds (t) or throws (f)', 'i (ranges.tsv), valid',
  ranges.map((r, i) => `${i}\t${parsed[i] ? 't' : 'f'}\n`))
const valid = ranges.map((r, i) => i).filter(i => parsed[i])
write('satisfies.tsv', 'semver.satisfies(version, range) for every version, valid ranges only',
  'i (ranges.tsv), bits: character k+1 is 1 when version k of versions.tsv satisfies the range, else 0',
  valid.map(i => `${i}\t${versions.map(v => parsed[i].test(v) ? '1' : '0').join('')}\n`))
write('max_satisfying.tsv', 'semver.maxSatisfying(all versions, range), valid ranges only',
  'i (ranges.tsv), highest satisfying version or \\N for none',
  valid.map(i => { const m = semver.maxSatisfying(versions, ranges[i]); return `${i}\t${m === null ? '\\N' : m}\n` }))
process.stdout.write(`node-semver ${semverVersion}: ${versions.length} versions, ${ranges.length} ranges (${valid.length} valid)\n`)
