/** Per-request costs in-process (decisions/0003): node --import tsx bench/micro.ts */
import { getResponse } from 'msw'
import { createMock } from '../mock/index.js'
import { hostRequest, hostResponse } from '../mock/host-channel.js'
const mock = await createMock({ customers: 1000, seed: 'bench' })
const url = 'http://127.0.0.1:20066/api/v3/customer-relation/list-by-relation-create-time-asc'
const body = '{"size":100}'
const headers = { 'content-type': 'application/json', ...mock.sign(body) }
const N = 3000
const time = async (label: string, fn: () => unknown) => { for (let i = 0; i < 300; i++) await fn(); const t = performance.now(); for (let i = 0; i < N; i++) await fn(); console.log(label.padEnd(40), ((performance.now() - t) / N * 1000).toFixed(1), 'us') }
await time('new Request (with body)', () => new Request(url, { method: 'POST', headers, body: Buffer.from(body) }))
await time('getResponse + arrayBuffer', async () => { const r = await getResponse(mock.handlers, new Request(url, { method: 'POST', headers, body: Buffer.from(body) })); return r!.arrayBuffer() })
const items = JSON.parse(Buffer.concat((await import('../mock/endpoints/index.js')).listByRelationCreateTimeAsc.handle(mock.context, { size: 100 }, {}) as Buffer[]).toString()).list
await time('host channel: getResponse', async () => { const q = hostRequest(new URL(url), 'POST', new Headers(headers), Buffer.from(body)); const r = await getResponse(mock.handlers, q); return hostResponse(q, r!) })
await time('floor: JSON.stringify 100 items', () => JSON.stringify({ code: 0, message: 'ok', data: { list: items.slice(0, 100), nextCursor: null } }))
const { listByRelationCreateTimeAsc: ep } = await import('../mock/endpoints/index.js')
await time('endpoint.handle (cached) + concat', () => Buffer.concat(ep.handle(mock.context, { size: 100 }, {}) as Buffer[]))
