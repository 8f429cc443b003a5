// After `tsc`: the `require` side of the package's entry points (see "exports" in package.json).
//
// The package is ESM. Node ≥ 20.19 can require() it, but a CommonJS project type-checked with
// `module: nodenext` resolves `msw/node` to msw's CommonJS declarations, while our ESM .d.ts files
// resolve `msw` to its ESM ones: two different HttpHandler classes, so `setupServer(...mock.handlers)`
// fails to type-check. The require side therefore gets its own declarations, dist/**/*.d.cts (the
// same text, relative imports renamed to .cjs, so `msw` and `zod` resolve as the project's own
// require() does), and entry points dist/{mock,contracts}/index.cjs that require() the ESM module:
// one module instance, whichever way it is loaded.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

const dist = new URL('../dist/', import.meta.url).pathname
const relative = /((?:from|import)\s*\(?\s*)(['"])(\.{1,2}\/[^'"]*?)\.js\2/g

let count = 0
for (const entry of readdirSync(dist, { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || !entry.name.endsWith('.d.ts')) continue
  const file = join(entry.parentPath, entry.name)
  writeFileSync(file.replace(/\.d\.ts$/, '.d.cts'), readFileSync(file, 'utf8').replace(relative, '$1$2$3.cjs$2'))
  count++
}
// Each entry point of package.json "exports" (its ESM module, relative to dist/).
const ENTRIES = ['mock/index', 'contracts/index', 'mock/push/receiver']
for (const entry of ENTRIES) {
  const name = entry.slice(entry.lastIndexOf('/') + 1)
  writeFileSync(join(dist, `${entry}.cjs`), `'use strict'\n// The ESM module, required (Node >= 20.19): see scripts/cjs-entries.mjs.\nmodule.exports = require('./${name}.js')\n`)
}
console.log(`cjs-entries: ${count} .d.cts files and ${ENTRIES.length} .cjs entry points`)
