/**
 * README's endpoint table (issue 11: "README lists the endpoints with their sources and an example
 * each"): it is what `npm run endpoints` writes from ENDPOINTS, and every example it shows answers
 * code 0, signed, on the default world.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { ENDPOINTS } from '../mock/endpoints/index.js'
import { createMock } from '../mock/index.js'
import { README_FILE, endpointsTable, readmeWithTable } from '../scripts/endpoints-table.js'
import { send } from './endpoints/support.js'

describe("README's endpoint table", () => {
  const readme = readFileSync(README_FILE, 'utf8')

  it('is what `npm run endpoints` writes from ENDPOINTS (run it after changing an endpoint module)', () => {
    expect(readme).toBe(readmeWithTable(readme))
  })

  it('has one row per endpoint, each with its path, title, source and example', () => {
    const rows = endpointsTable().split('\n').slice(2)
    expect(rows).toHaveLength(ENDPOINTS.length)
    for (const [k, e] of ENDPOINTS.entries()) {
      expect(rows[k]).toContain(`\`${e.path}\``)
      expect(rows[k]).toContain(e.title)
      expect(rows[k]).toContain(JSON.stringify(e.example))
    }
    expect(new Set(ENDPOINTS.map((e) => e.path)).size).toBe(ENDPOINTS.length)
  })

  // A fresh default world per example: the writes change it (a transfer moves the relation another example reads).
  it.each(ENDPOINTS.map((e) => [e.path, e] as const))('the example of %s answers code 0, signed, on the default world', async (_path, endpoint) => {
    const mock = await createMock()
    const answer = await send(mock, endpoint.path, JSON.stringify(endpoint.example))
    expect(answer.status).toBe(200)
    expect({ code: answer.json.code, message: answer.json.message }).toEqual({ code: 0, message: endpoint.message === 'option' ? 'ok' : endpoint.message })
    // The answer is the endpoint's documented shape, not just any code 0.
    expect(endpoint.data.safeParse(answer.json.data).error).toBeUndefined()
  })

  it('the reads among the examples find something: a list, a page or an object that is not empty', async () => {
    const mock = await createMock()
    const empty: string[] = []
    for (const endpoint of ENDPOINTS.filter((e) => e.kind === 'read')) {
      const { data } = (await send(mock, endpoint.path, JSON.stringify(endpoint.example))).json as { data: unknown }
      const items = Array.isArray(data) ? data : data && typeof data === 'object' ? ((data as { list?: unknown[]; result?: unknown[]; data?: unknown[]; fields?: unknown[] }).list ?? (data as { result?: unknown[] }).result ?? (data as { data?: unknown[] }).data ?? (data as { fields?: unknown[] }).fields ?? Object.keys(data)) : []
      if (items.length === 0) empty.push(endpoint.path)
    }
    expect(empty).toEqual([])
  })
})
