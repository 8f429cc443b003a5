/**
 * The coverage report against scripted consumers (issue 13): each misses something known, one covers
 * everything of a small set; the report parses with its schema, and an exported journal gives the
 * same report offline.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { getResponse } from 'msw'
import { afterEach, describe, expect, it } from 'vitest'
import { coverageFromJournal, coverageReportSchema, journalExportSchema, type CoverageGroup, type CoverageReport } from '../../mock/coverage/index.js'
import { createMock, createTenants, type Mock, type MockOptions } from '../../mock/index.js'
import { send } from '../endpoints/support.js'
import { startReceiver, ack, type Receiver } from '../push/receiver.js'

const RELATIONS = '/v3/customer-relation/list-by-relation-create-time-asc'
const START = '2026-03-01 10:00:00'

const receivers: Receiver[] = []
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.close()))
})

async function consumerMock(options: MockOptions = {}): Promise<Mock> {
  const mock = await createMock({ seed: 'coverage', customers: 30, staff: 3, ...options })
  mock.admin.setClock({ freeze: true, set: START })
  return mock
}

/** The report, checked against the published schema. */
function report(mock: Mock): CoverageReport {
  return coverageReportSchema.parse(mock.coverage())
}

const group = (r: CoverageReport, key: string, tenant = 0): CoverageGroup => r.tenants[tenant]!.groups.find((g) => g.key === key)!
/** The variants of a group that are covered. */
const covered = (r: CoverageReport, key: string) => group(r, key).items.filter((i) => i.covered).map((i) => i.id.slice(key.length + 1))
const notCovered = (r: CoverageReport, key: string) => group(r, key).items.filter((i) => !i.covered).map((i) => i.id.slice(key.length + 1))
const item = (r: CoverageReport, id: string) => r.tenants[0]!.groups.flatMap((g) => g.items).find((i) => i.id === id)!
const seqs = (mock: Mock) => mock.context.journal.list().map((e) => e.seq)

describe('scripted consumers', () => {
  it('a consumer that never reaches the end of a sweep: first page and a cursor page covered, the end not', async () => {
    const mock = await consumerMock()
    const first = await send(mock, RELATIONS, '{"size":5}')
    expect(first.json.data.nextCursor).toEqual(expect.any(String))
    await send(mock, RELATIONS, JSON.stringify({ size: 5, cursor: first.json.data.nextCursor }))
    const r = report(mock)
    const [a, b] = seqs(mock)
    expect(covered(r, RELATIONS)).toEqual(['success', 'paging:first', 'paging:cursor'])
    expect(notCovered(r, RELATIONS)).toContain('paging:end')
    expect(item(r, `${RELATIONS}#success`)).toMatchObject({ covered: true, count: 2, entries: [a, b] })
    expect(item(r, `${RELATIONS}#paging:first`)).toMatchObject({ count: 1, entries: [a] })
    expect(item(r, `${RELATIONS}#paging:end`)).toMatchObject({ covered: false, count: 0, entries: [] })
    expect(group(r, RELATIONS).used).toBe(true)
    expect(r.tenants[0]!.totals).toMatchObject({ covered: 3, groupsUsed: 1 })
  })

  it('a consumer that never sees a 1003 has error:1003 uncovered; one whose clock drifted covers it', async () => {
    const mock = await consumerMock()
    await send(mock, '/v3/add-clue', JSON.stringify({ customerName: '张三', mobiles: ['18800000001'] }))
    let r = report(mock)
    expect(covered(r, '/v3/add-clue')).toEqual(['success'])
    expect(notCovered(r, '/v3/add-clue')).toContain('error:1003')
    const body = JSON.stringify({ customerName: '李四', mobiles: ['18800000002'] })
    const drifted = await send(mock, '/v3/add-clue', body, mock.sign(body, mock.clock.now() - 3_600_000))
    expect(drifted.json.code).toBe(1003)
    r = report(mock)
    expect(covered(r, '/v3/add-clue')).toEqual(['success', 'error:1003'])
    expect(item(r, '/v3/add-clue#error:1003').entries).toEqual([seqs(mock).at(-1)])
  })

  it('a consumer that signs the re-serialised body: only 1002, never a success', async () => {
    const mock = await consumerMock()
    const sent = '{"size": 5}'
    const answer = await send(mock, RELATIONS, sent, mock.sign(JSON.stringify(JSON.parse(sent))))
    expect(answer.json.code).toBe(1002)
    const r = report(mock)
    expect(group(r, RELATIONS).used).toBe(true)
    expect(covered(r, RELATIONS)).toEqual(['error:1002'])
    expect(notCovered(r, RELATIONS)).toContain('success')
  })

  it('a consumer that calls /v2/ for a /v3/ endpoint never uses the endpoint', async () => {
    const mock = await consumerMock()
    const answer = await send(mock, '/v2/add-clue', JSON.stringify({ customerName: '张三', mobiles: ['18800000001'] }))
    expect(answer.status).toBe(404)
    const r = report(mock)
    expect(group(r, '/v3/add-clue')).toMatchObject({ used: false })
    expect(covered(r, '/v3/add-clue')).toEqual([])
    expect(r.tenants[0]!.totals).toMatchObject({ covered: 0, groupsUsed: 0 })
    expect(r.totals.groups).toBe(r.tenants[0]!.groups.length)
  })
})

describe('a consumer that covers everything of the relation list, add-clue and the register push', () => {
  it('covers every item of the three groups and of its fault rule, and nothing else; the exported journal gives the same report', async () => {
    const mock = await consumerMock({ bodyLimit: 4096, pushRetries: '10s', pushOfflineAfter: 2 })
    const sign = (body: string) => mock.sign(body)
    const ok = async (path: string, body: unknown) => {
      const answer = await send(mock, path, JSON.stringify(body))
      expect(answer.json.code, answer.text).toBe(0)
      return answer.json.data
    }

    // Relations: a sweep to the end, an empty window, then a sweep with a fault on its cursor page, resumed, and a write meanwhile.
    let page = await ok(RELATIONS, { size: 100 })
    while (page.nextCursor) page = await ok(RELATIONS, { size: 100, cursor: page.nextCursor })
    await ok(RELATIONS, { since: '2026-01-01 00:00:00', before: '2026-01-01 00:00:00' })
    mock.admin.setFaults([{ id: 'busy', kind: 'error', code: -1, message: '系统繁忙', endpoint: 'customer-relation/list-by-relation-create-time-asc', calls: { nth: [2] } }])
    const first = await ok(RELATIONS, { size: 5 })
    await ok('/v3/add-clue', { customerName: '张三', mobiles: ['18800000001'] })
    const resume = JSON.stringify({ size: 5, cursor: first.nextCursor })
    expect((await send(mock, RELATIONS, resume)).json.code).toBe(-1)
    expect((await send(mock, RELATIONS, resume)).json.code).toBe(0)
    mock.admin.setFaults([])

    // Errors of both endpoints: signature, timestamp, method, size, validation per field, add-clue's duplicate mobile.
    for (const path of [RELATIONS, '/v3/add-clue']) {
      const body = '{}'
      expect((await send(mock, path, body, { ...sign(body), sign: '0'.repeat(64) })).json.code).toBe(1002)
      expect((await send(mock, path, body, mock.sign(body, mock.clock.now() - 3_600_000))).json.code).toBe(1003)
      const get = await getResponse(mock.handlers, new Request(`https://api.tanmarket.cn/api${path}`, { method: 'GET', headers: sign('') }))
      expect((await get!.json()).code).toBe(405)
      expect((await send(mock, path, JSON.stringify({ padding: 'x'.repeat(5000) }))).json.code).toBe(413)
      const fields = mock.coverage().tenants[0]!.groups.find((g) => g.key === path)!.items.filter((i) => i.kind === 'validation').map((i) => i.id.split('#validation:')[1]!)
      for (const field of fields) {
        const answer = await send(mock, path, JSON.stringify({ [field]: {} }))
        expect(answer.json.code, `${path} ${field}`).toBe(40000)
      }
    }
    expect((await send(mock, '/v3/add-clue', JSON.stringify({ customerName: '王五', mobiles: ['18800000001'] }))).json.code).toBe(40417)

    // The register push: delivered (a 500), retried and acknowledged, then offline after two failures.
    let down = false
    let k = 0
    const inbox = await startReceiver(mock.credentials, (m) => (k++ === 0 || down ? { status: 500 } : ack(m)))
    receivers.push(inbox)
    await ok('/v2/push-register', { receiveAddress: inbox.url, subscription: 'register' })
    await mock.pushes.settle()
    mock.admin.setClock({ advanceMs: 10_000 })
    await mock.pushes.settle()
    down = true
    await mock.pushes.trigger('register')
    mock.admin.setClock({ advanceMs: 10_000 })
    await mock.pushes.settle()
    expect((await mock.pushes.trigger('register')).attempt.verdict).toBe('offline')

    const r = report(mock)
    for (const key of [RELATIONS, '/v3/add-clue', 'push:register', 'fault:busy']) expect([key, notCovered(r, key)]).toEqual([key, []])
    // The rule was removed after the sweep: it keeps its group from the journal's hits.
    expect(group(r, 'fault:busy')).toMatchObject({ kind: 'fault', title: 'busy (no longer in force)', used: true })
    const resumedSeq = mock.context.journal.list().filter((e) => e.endpoint === RELATIONS && e.code === 0 && e.cursor === first.nextCursor).at(-1)!.seq
    expect(item(r, `${RELATIONS}#paging:resumed`).entries).toEqual([resumedSeq])
    expect(item(r, 'fault:busy#recovered').entries).toEqual([resumedSeq])
    expect(item(r, `${RELATIONS}#paging:during-writes`).entries).toEqual([resumedSeq])
    const pushSeqs = (verdict: string) => mock.pushes.journal().filter((a) => a.verdict === verdict).map((a) => a.seq)
    expect(item(r, 'push:register#offline').entries).toEqual(pushSeqs('offline'))
    expect(item(r, 'push:register#acknowledged').entries).toEqual(pushSeqs('acked'))
    // Used: the three groups (push-register too: the consumer called it) and the rule; nothing else.
    expect(r.tenants[0]!.groups.filter((g) => g.used).map((g) => g.key)).toEqual([RELATIONS, '/v3/add-clue', '/v2/push-register', 'push:register', 'fault:busy'])
    // Every failed call of this consumer is diagnosed in the report (mock/diagnose/*), each in the vendor's terms.
    const diagnoses = r.tenants[0]!.diagnoses
    expect(diagnoses.map((d) => d.code)).toEqual(expect.arrayContaining([1002, 1003, 40000]))
    expect(diagnoses.find((d) => d.code === 1003)!.diagnosis).toMatch(/behind the fake's clock/)
    expect(diagnoses.find((d) => d.code === 1002)!.diagnosis).toMatch(/appId \+ timestamp \+ body \+ appKey/)

    // Offline: the exported journal (over the admin route) read from a file gives the same report.
    const exported = await getResponse(mock.handlers, new Request('http://127.0.0.1/__mock/journal'))
    const doc = journalExportSchema.parse(await exported!.json())
    const file = join(mkdtempSync(join(tmpdir(), 'coverage-')), 'journal.json')
    writeFileSync(file, JSON.stringify(doc))
    const offline = coverageReportSchema.parse(coverageFromJournal(file))
    expect(offline.source).toBe(file)
    expect({ ...offline, generatedAt: 0, source: '' }).toEqual({ ...r, generatedAt: 0, source: '' })
    // And the admin route's report is the in-process one.
    const live = coverageReportSchema.parse(await (await getResponse(mock.handlers, new Request('http://127.0.0.1/__mock/coverage')))!.json())
    expect({ ...live, generatedAt: 0 }).toEqual({ ...r, generatedAt: 0 })
  })
})

describe('the report', () => {
  it('a sweep resumed after its cursor page got a 1003 is a resumed sweep (the journal keeps the cursor of a failed call)', async () => {
    const mock = await consumerMock()
    const first = await send(mock, RELATIONS, '{"size":5}')
    const body = JSON.stringify({ size: 5, cursor: first.json.data.nextCursor })
    expect((await send(mock, RELATIONS, body, mock.sign(body, mock.clock.now() - 3_600_000))).json.code).toBe(1003)
    expect(mock.context.journal.list().at(-1)).toMatchObject({ code: 1003, cursor: first.json.data.nextCursor })
    let r = report(mock)
    expect(covered(r, RELATIONS)).toEqual(['success', 'error:1003', 'paging:first'])
    await send(mock, RELATIONS, body)
    r = report(mock)
    expect(covered(r, RELATIONS)).toEqual(['success', 'error:1003', 'paging:first', 'paging:cursor', 'paging:resumed'])
  })

  it('with endCursor empty-page the end is reached by following the last cursor to an empty page', async () => {
    const mock = await consumerMock({ endCursor: 'empty-page' })
    let page = (await send(mock, RELATIONS, '{"size":100}')).json.data
    expect(page.nextCursor).toEqual(expect.any(String))
    page = (await send(mock, RELATIONS, JSON.stringify({ size: 100, cursor: page.nextCursor }))).json.data
    expect(page).toEqual({ list: [], nextCursor: null })
    expect(covered(report(mock), RELATIONS)).toEqual(['success', 'empty', 'paging:first', 'paging:cursor', 'paging:end', 'paging:end-empty-page'])
  })

  it('says when the bounded journal dropped entries', async () => {
    const mock = await consumerMock({ journalSize: 2 })
    for (let k = 0; k < 5; k++) await send(mock, RELATIONS, '{"size":5}')
    const r = report(mock)
    expect(r.tenants[0]!.dropped).toEqual({ requests: 3, pushes: 0 })
    expect(item(r, `${RELATIONS}#success`).count).toBe(2)
    const fresh = report(await consumerMock())
    expect(fresh.tenants[0]!.dropped).toBeUndefined()
  })

  it('covers every tenant of a multi-tenant fake, each from its own journal', async () => {
    const mock = await createTenants({ tenants: [{ appId: 'corp_a', appKey: 'key_a', customers: 10 }, { appId: 'corp_b', appKey: 'key_b', customers: 10 }] }, { seed: 'coverage' })
    const b = mock.tenants![1]!
    await send(b, RELATIONS, '{"size":5}', b.sign('{"size":5}'))
    const r = coverageReportSchema.parse(mock.coverage())
    expect(r.tenants.map((t) => [t.appId, t.totals.groupsUsed])).toEqual([['corp_a', 0], ['corp_b', 1]])
    expect(r.totals.groupsUsed).toBe(1)
  })

  it('a file that is not a journal export is refused naming what is wrong', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'coverage-')), 'bad.json')
    writeFileSync(file, JSON.stringify({ format: 'something else' }))
    expect(() => coverageFromJournal(file)).toThrow(/not a tanma-mock journal export .*format/)
    writeFileSync(file, 'not json')
    expect(() => coverageFromJournal(file)).toThrow(/not a JSON journal export/)
  })
})
