/** A generated world with a tenant's configuration (issue 16: `serve --calibration` uses the tenant's field definitions and tag tree). */
import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { createMock, type Mock, type MockOptions } from '../../mock/index.js'
import { customerSearch, listCluesByCreateTimeAsc, listFields, listTagTree, profileFields } from '../../mock/endpoints/index.js'
import type { Endpoint } from '../../mock/core/endpoint.js'
import { sweep } from '../support.js'

const text = (mock: Mock, endpoint: Pick<Endpoint, 'handle'>, body: unknown) => {
  const data = endpoint.handle(mock.context, body, {})
  return typeof data === 'string' ? data : Buffer.concat(data).toString('utf8')
}
const sha = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 16)

/** Digests of a small world's answers: the catalog, every relation, the export (every customer, lead and remark). */
async function digests(options: MockOptions) {
  const mock = await createMock(options)
  return {
    listFields: sha(text(mock, listFields, {})),
    profileFields: sha(text(mock, profileFields, {})),
    tagTree: sha(text(mock, listTagTree, {})),
    relations: sha(JSON.stringify(sweep(mock, { size: 100 }))),
    leads: sha(text(mock, listCluesByCreateTimeAsc, { size: 100 })),
    search: sha(text(mock, customerSearch, { pageNo: 1, pageSize: 20 })),
    export: sha(JSON.stringify(mock.admin.exportWorld())),
  }
}

describe('tenant configuration', () => {
  it('without one, a generated world is byte for byte what it was before tenant configurations (digests from the code before)', async () => {
    // Computed with the code before tenant configurations (commit c00279b).
    expect(await digests({ seed: 'tenant', customers: 300, staff: 6 })).toEqual({
      listFields: 'd6693019a32d5ad0', profileFields: '8d71fa1366fda1be', tagTree: '470751becb575106', relations: '4db8c08163951885',
      leads: '24c506056d92020b', search: '38577f0961892f42', export: '703c31198fde1f4b',
    })
  })
})
