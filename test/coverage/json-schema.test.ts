/** The coverage report's published JSON Schema (schema/coverage-report.schema.json): current, and it accepts reports and refuses what is not one. */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { COVERAGE_SCHEMA_FILE, coverageSchemaText } from '../../schema/generate.js'

const published = JSON.parse(readFileSync(COVERAGE_SCHEMA_FILE, 'utf8')) as Record<string, unknown>
const fixture = (name: string): unknown => JSON.parse(readFileSync(fileURLToPath(new URL(`./fixtures/${name}.json`, import.meta.url)), 'utf8'))

describe('the coverage report JSON Schema', () => {
  it('is what `npm run schema` generates from mock/coverage/schema.ts (run it after changing the report)', () => {
    expect(readFileSync(COVERAGE_SCHEMA_FILE, 'utf8')).toBe(coverageSchemaText())
  })

  it('read back as a validator, accepts the reports and refuses a wrong version, a missing field or a negative count', () => {
    const { $id: _id, title: _title, ...schema } = published
    const validator = z.fromJSONSchema(schema as Parameters<typeof z.fromJSONSchema>[0])
    const partial = fixture('partial') as { version: number; tenants: { groups: { items: { count: number }[] }[] }[] }
    expect(validator.safeParse(partial).success).toBe(true)
    expect(validator.safeParse(fixture('complete')).success).toBe(true)
    expect(validator.safeParse({ ...partial, version: 2 }).success).toBe(false)
    const { tenants: _t, ...noTenants } = partial
    expect(validator.safeParse(noTenants).success).toBe(false)
    const negative = structuredClone(partial)
    negative.tenants[0]!.groups[0]!.items[0]!.count = -1
    expect(validator.safeParse(negative).success).toBe(false)
  })
})
