/** The page-number list, apart from any endpoint: both shapes the upstream uses, the cut and the arithmetic. */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { defineEndpoint } from '../../mock/core/endpoint.js'
import { pageNumberData, pageNumberFields, servePageNumbers } from '../../mock/core/page-list.js'
import { createMock } from '../../mock/index.js'

const numbers = Array.from({ length: 23 }, (_, i) => i + 1)
/** customer/search's shape, `{totalPage, data}`, over 23 numbers. */
const data = pageNumberData('data', z.int(), ['totalPage'], 'items-last')
const search = defineEndpoint({
  path: '/v3/test/page-numbers',
  title: '测试',
  source: 'clients',
  kind: 'read',
  example: {},
  request: (options) => z.object({ ...pageNumberFields(options) }),
  data,
  message: 'success',
  serve: (call) => servePageNumbers(call, data, { total: numbers.length, items: (offset, count) => numbers.slice(offset, offset + count) }),
})

describe('page-number lists', () => {
  it('write the properties in the data schema\'s order: {totalPage, data} as customer/search shows it', async () => {
    const mock = await createMock({ customers: 1 })
    expect(search.handle(mock.context, { pageNo: 3, pageSize: 10 })).toBe('{"totalPage":3,"data":[21,22,23]}')
    expect(search.handle(mock.context, { pageNo: 4, pageSize: 10 })).toBe('{"totalPage":3,"data":[]}')
    expect(search.handle(mock.context, {})).toBe(`{"totalPage":2,"data":[${numbers.slice(0, 20).join(',')}]}`)
  })

  it('note the page for the journal', async () => {
    const mock = await createMock({ customers: 1 })
    const note = {}
    search.handle(mock.context, { pageNo: 2, pageSize: 5 }, note)
    expect(note).toEqual({ offset: 5, size: 5, items: 5 })
  })
})
