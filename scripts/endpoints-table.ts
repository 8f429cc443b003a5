/**
 * What `npm run endpoints` writes from ENDPOINTS (mock/endpoints/index.ts): README's endpoint table,
 * one row per endpoint — its path under the base URL, the vendor's title, where its shape comes
 * from (docs/upstream.md §3 and §7) and its module's `example` body. A test
 * (test/readme-endpoints.test.ts) fails when README's table differs from this, or when an example
 * does not answer code 0 on the default world.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { Endpoint } from '../mock/core/endpoint.js'
import { ENDPOINTS } from '../mock/endpoints/index.js'

export const README_FILE = fileURLToPath(new URL('../README.md', import.meta.url))
const START = '<!-- endpoint table: generated from mock/endpoints by `npm run endpoints`; do not edit by hand -->'
const END = '<!-- end of endpoint table -->'

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ')

/** `doc`, `clients`, `clients; data choice`, `doc; data partly choice`. */
export const sourceOf = (e: Endpoint) => (e.dataSource ? `${e.source}; data ${e.dataSource}` : e.source)

export function endpointsTable(endpoints: readonly Endpoint[] = ENDPOINTS): string {
  const rows = endpoints.map((e) => `| \`${e.path}\` | ${e.title} | ${e.kind} | ${sourceOf(e)} | \`${cell(JSON.stringify(e.example))}\` |`)
  return ['| endpoint | 名称 | kind | source | example body |', '|---|---|---|---|---|', ...rows].join('\n')
}

/** README with its endpoint table replaced by the generated one. */
export function readmeWithTable(readme: string): string {
  const start = readme.indexOf(START)
  const end = readme.indexOf(END)
  if (start < 0 || end < start) throw new Error(`${README_FILE} has no endpoint table markers (${START} … ${END})`)
  return `${readme.slice(0, start + START.length)}\n${endpointsTable()}\n${readme.slice(end)}`
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(README_FILE, readmeWithTable(readFileSync(README_FILE, 'utf8')))
  process.stdout.write(`wrote the endpoint table of ${README_FILE}\n`)
}
