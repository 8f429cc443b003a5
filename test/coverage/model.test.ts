/** The coverage model is derived from the code: the endpoint modules, the pipeline's errors, the options, the push types, the fault rules. */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { coverageModel, PIPELINE_ERRORS } from '../../mock/coverage/index.js'
import { requestFields } from '../../mock/core/endpoint.js'
import { ENDPOINTS } from '../../mock/endpoints/index.js'
import { resolveOptions } from '../../mock/options.js'
import { PUSH_TYPES } from '../../mock/push/messages.js'

const ids = (key: string, options: Parameters<typeof coverageModel>[0] = { endCursor: 'null' }) => coverageModel(options).find((g) => g.key === key)!.items.map((i) => i.id)
const RELATIONS = '/v3/customer-relation/list-by-relation-create-time-asc'

describe('the coverage model', () => {
  it('has a group per endpoint of ENDPOINTS, per push type and per fault rule in force, with stable <group>#<variant> ids', () => {
    const model = coverageModel({ endCursor: 'null' }, [{ id: 'busy', kind: 'error', code: -1, endpoint: 'add-clue' }, { id: 'slow', kind: 'latency', ms: 5 }])
    expect(model.filter((g) => g.kind === 'endpoint').map((g) => g.key)).toEqual(ENDPOINTS.map((e) => e.path))
    expect(model.filter((g) => g.kind === 'push').map((g) => g.key)).toEqual(PUSH_TYPES.map((t) => `push:${t}`))
    expect(model.filter((g) => g.kind === 'fault').map((g) => [g.key, g.title, g.items.map((i) => i.id)])).toEqual([
      ['fault:busy', 'error code -1 on add-clue', ['fault:busy#hit', 'fault:busy#recovered']],
      // A latency rule fails nothing: there is nothing to recover from.
      ['fault:slow', 'latency on every endpoint', ['fault:slow#hit']],
    ])
    for (const group of model) for (const item of group.items) expect(item.id).toBe(`${group.key}#${item.variant}`)
    expect(ids('push:new_clue')).toEqual(['push:new_clue#delivered', 'push:new_clue#acknowledged', 'push:new_clue#retried', 'push:new_clue#offline'])
  })

  it("add-clue: success, the pipeline's error codes and its own 40417, a validation item per request field; no empty result and no paging for a write", () => {
    expect(ids('/v3/add-clue')).toEqual([
      '/v3/add-clue#success',
      '/v3/add-clue#error:1002',
      '/v3/add-clue#error:1003',
      '/v3/add-clue#error:405',
      '/v3/add-clue#error:413',
      '/v3/add-clue#error:40000',
      '/v3/add-clue#error:40417',
      '/v3/add-clue#validation:customerName',
      '/v3/add-clue#validation:mobiles',
      '/v3/add-clue#validation:fields',
    ])
  })

  it('a cursor list has the empty result and the paging paths; a page-number list the empty result and no paging', () => {
    const relations = ids(RELATIONS)
    expect(relations.filter((id) => id.includes('#paging:'))).toEqual(['first', 'cursor', 'end', 'resumed', 'during-writes'].map((v) => `${RELATIONS}#paging:${v}`))
    expect(relations).toContain(`${RELATIONS}#empty`)
    const users = ids('/v3/get-users')
    expect(users).toContain('/v3/get-users#empty')
    expect(users).toContain('/v3/get-users#validation:pageNo')
    expect(users).toContain('/v3/get-users#validation:pageSize')
    expect(users.some((id) => id.includes('#paging:'))).toBe(false)
  })

  it('with endCursor empty-page a cursor list also has the end reached by an empty page', () => {
    expect(ids(RELATIONS, { endCursor: 'empty-page' })).toContain(`${RELATIONS}#paging:end-empty-page`)
    expect(ids(RELATIONS)).not.toContain(`${RELATIONS}#paging:end-empty-page`)
  })

  it('error overrides change the codes, and kinds that share a code make one item', () => {
    const overridden = ids('/v3/add-clue', { endCursor: 'null', errors: { staleTimestamp: { code: 1002 }, badTimestamp: { code: 1002 }, duplicateMobile: { code: 40001 } } })
    expect(overridden.filter((id) => id.includes('#error:'))).toEqual(['1002', '405', '413', '40000', '40001'].map((c) => `/v3/add-clue#error:${c}`))
  })

  it('every request field of every endpoint has its validation item', () => {
    const options = resolveOptions({})
    const model = coverageModel({ endCursor: 'null' })
    for (const endpoint of ENDPOINTS) {
      const group = model.find((g) => g.key === endpoint.path)!
      expect(group.items.filter((i) => i.kind === 'validation').map((i) => i.variant)).toEqual(requestFields(endpoint.schema(options)).map((f) => `validation:${f}`))
    }
  })

  it("an endpoint module declares every business error its source throws besides validation (the model's error items come from the declaration)", () => {
    const files = (dir: string): string[] => readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? files(join(dir, name)) : [join(dir, name)]))
    const thrown = new Set<string>()
    for (const file of files('mock/endpoints')) for (const match of readFileSync(file, 'utf8').matchAll(/new UpstreamError\('(\w+)'/g)) thrown.add(match[1]!)
    const declared = new Set([...PIPELINE_ERRORS, ...ENDPOINTS.flatMap((e) => e.errors ?? [])])
    expect([...thrown].filter((kind) => !declared.has(kind as never))).toEqual([])
    expect(ENDPOINTS.filter((e) => e.errors?.includes('duplicateMobile')).map((e) => e.path)).toEqual(['/v3/add-clue', '/v3/save-highseas'])
  })
})
