/** Same seed and flags, same bytes — across builds, processes and machines; another seed, another world. */
import { describe, expect, it } from 'vitest'
import { mockWith, listPage, listText, sweep } from '../support.js'
import type { Mock } from '../../mock/index.js'

const pagesOf = (mock: Mock, n: number) => {
  const out: string[] = []
  let cursor: string | undefined
  for (let k = 0; k < n; k++) {
    const text = listText(mock, cursor ? { size: 50, cursor } : { size: 50 })
    out.push(text)
    cursor = (JSON.parse(text) as { nextCursor: string }).nextCursor
  }
  return out
}

describe('determinism', () => {
  it('two builds from the same seed and flags answer byte-identical pages', async () => {
    const a = await mockWith({ seed: 'same', customers: 500, staff: 12 })
    const b = await mockWith({ seed: 'same', customers: 500, staff: 12 })
    expect(pagesOf(a, 8)).toEqual(pagesOf(b, 8))
  })

  it('another seed gives another world', async () => {
    const a = await mockWith({ seed: 'one', customers: 100 })
    const b = await mockWith({ seed: 'two', customers: 100 })
    expect(pagesOf(a, 1)).not.toEqual(pagesOf(b, 1))
  })

  it('numeric and string seeds are the same seed', async () => {
    expect(pagesOf(await mockWith({ seed: 42, customers: 50 }), 1)).toEqual(pagesOf(await mockWith({ seed: '42', customers: 50 }), 1))
  })

  it('a customer is generated alone, in any order, from its own streams', async () => {
    const mock = await mockWith({ seed: 'order', customers: 300 })
    const forward = Array.from({ length: 300 }, (_, i) => mock.context.world.customer(i))
    const backward = Array.from({ length: 300 }, (_, i) => mock.context.world.customer(299 - i)).reverse()
    expect(backward).toEqual(forward)
  })

  it('profiles depend on (seed, customer) only: more customers or members reshuffle no one\'s name, phones, tags or WeChat data', async () => {
    const small = await mockWith({ seed: 'streams', customers: 100, staff: 5 })
    const large = await mockWith({ seed: 'streams', customers: 400, staff: 30 })
    const stable = (mock: Mock, i: number) => {
      const c = mock.context.world.customer(i)
      const byKey = Object.fromEntries(c.fields.map((f) => [f.field, f.valueAsText]))
      return [byKey.name, byKey.mobile, byKey.gender, byKey.address, byKey.birthday, byKey.customer_stage, c.tagIds, c.wechatNickname, c.externalUserId, c.type]
    }
    for (let i = 0; i < 100; i++) expect(stable(large, i)).toEqual(stable(small, i))
  })

  it('the default world\'s first page is pinned byte for byte (a change here changes every user\'s data)', async () => {
    const mock = await mockWith({})
    const text = listText(mock, { size: 3 })
    await expect(JSON.stringify(JSON.parse(text), null, 2) + '\n').toMatchFileSnapshot('../golden/default-world-first-page.json')
    // And the whole default world, as a digest of every page.
    const all = JSON.stringify(sweep(mock, { size: 100 }))
    const { createHash } = await import('node:crypto')
    await expect(`${createHash('sha256').update(all).digest('hex')}\n`).toMatchFileSnapshot('../golden/default-world.sha256')
    expect(listPage(mock, { size: 3 }).list).toHaveLength(3)
  })
})
