/**
 * What `npm run schema` writes from the options schema (mock/options.ts): the config file's JSON
 * Schema (schema/tanma-mock.config.schema.json) and the options table of docs/cli.md; and from
 * mock/coverage/schema.ts the coverage report's (schema/coverage-report.schema.json). Tests
 * (test/settings.test.ts, test/coverage/json-schema.test.ts) fail when a committed file differs from what this generates.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { configJsonSchema, SETTINGS } from '../mock/options.js'
import { z } from 'zod'
import { coverageReportSchema } from '../mock/coverage/schema.js'
import { calibrationJsonSchema } from '../mock/probe/calibration.js'

export const SCHEMA_FILE = fileURLToPath(new URL('./tanma-mock.config.schema.json', import.meta.url))
export const DOCS_FILE = fileURLToPath(new URL('../docs/cli.md', import.meta.url))
/** The coverage report's JSON Schema (`tanma-mock coverage --format json`, GET /__mock/coverage), from mock/coverage/schema.ts. */
export const COVERAGE_SCHEMA_FILE = fileURLToPath(new URL('./coverage-report.schema.json', import.meta.url))
export function coverageSchemaText(): string {
  return JSON.stringify({ $id: 'https://unpkg.com/tanma-mock/schema/coverage-report.schema.json', title: 'tanma-mock coverage report', ...z.toJSONSchema(coverageReportSchema) }, null, 2) + '\n'
}
/** calibration.json's JSON Schema (`tanma-mock probe --out`), from mock/probe/calibration.ts. */
export const CALIBRATION_SCHEMA_FILE = fileURLToPath(new URL('./calibration.schema.json', import.meta.url))
export function calibrationSchemaText(): string {
  return JSON.stringify({ $id: 'https://unpkg.com/tanma-mock/schema/calibration.schema.json', title: 'tanma-mock calibration', ...calibrationJsonSchema() }, null, 2) + '\n'
}
const START = '<!-- options table: generated from mock/options.ts by `npm run schema`; do not edit by hand -->'
const END = '<!-- end of options table -->'

export function configSchemaText(): string {
  return JSON.stringify({ $id: 'https://unpkg.com/tanma-mock/schema/tanma-mock.config.schema.json', ...configJsonSchema() }, null, 2) + '\n'
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ')
const code = (text: string) => `\`${cell(text)}\``

export function optionsTable(): string {
  const rows = SETTINGS.map((s) => {
    const value = s.boolean ? '' : ` <${s.meta.value ?? (s.choices ? s.choices.join('|') : s.number ? 'n' : 'value')}>`
    const d = s.defaultValue
    const shown = d === undefined || (typeof d === 'object' && d !== null && Object.keys(d).length === 0) ? '' : d === false ? 'off' : code(String(d))
    return `| ${code(`--${s.flag}${value}`)} | ${s.env.map(code).join(', ')} | ${s.meta.flagOnly ? '' : code(s.key)} | ${shown} | ${s.meta.commands.join(', ')} | ${cell(s.description)} |`
  })
  return ['| flag | environment | config key | default | commands | meaning |', '|---|---|---|---|---|---|', ...rows].join('\n')
}

/** docs/cli.md with its options table replaced by the generated one. */
export function docsWithTable(docs: string): string {
  const start = docs.indexOf(START)
  const end = docs.indexOf(END)
  if (start < 0 || end < start) throw new Error(`${DOCS_FILE} has no options table markers (${START} … ${END})`)
  return `${docs.slice(0, start + START.length)}\n\n${optionsTable()}\n\n${docs.slice(end)}`
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(SCHEMA_FILE, configSchemaText())
  writeFileSync(COVERAGE_SCHEMA_FILE, coverageSchemaText())
  writeFileSync(CALIBRATION_SCHEMA_FILE, calibrationSchemaText())
  writeFileSync(DOCS_FILE, docsWithTable(readFileSync(DOCS_FILE, 'utf8')))
  process.stdout.write(`wrote ${SCHEMA_FILE}, ${COVERAGE_SCHEMA_FILE}, ${CALIBRATION_SCHEMA_FILE} and the options table of ${DOCS_FILE}\n`)
}
