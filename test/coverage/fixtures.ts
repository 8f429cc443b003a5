/** The report fixtures the renderer and gate tests read (test/coverage/fixtures/*.json), checked against the schema. */
import { readFileSync } from 'node:fs'
import { coverageReportSchema, type CoverageReport } from '../../mock/coverage/schema.js'

export const fixture = (name: 'partial' | 'complete'): CoverageReport => coverageReportSchema.parse(JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8')))
export const partial = fixture('partial')
export const complete = fixture('complete')
export const LIST = '/v3/customer-relation/list-by-relation-create-time-asc'
