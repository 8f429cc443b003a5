/**
 * Shared helpers of the endpoint tests: a signed request through the handlers (in-process, as
 * setupServer runs them) or over HTTP, by path with exact body bytes (`send`) or by endpoint with a
 * body to serialise (`call`), and sweeps of the relation lists.
 */
import { getResponse } from 'msw'
import { afterAll, beforeAll } from 'vitest'
import type { Endpoint } from '../../mock/core/endpoint.js'
import { listByQwUserId, listByRelationCreateTimeAsc } from '../../mock/endpoints/index.js'
import { startServer, type Mock, type RunningServer } from '../../mock/index.js'

export interface Envelope<T = unknown> {
  code: number
  message: string
  data: T
}

export interface Answer<D = any> {
  status: number
  text: string
  json: Envelope<D>
}

const bodyText = (body: unknown) => (typeof body === 'string' ? body : JSON.stringify(body))

/** The exact body bytes to `path`, signed (or with `headers`), through the handlers. */
export async function send<D = any>(mock: Mock, path: string, body: string, headers: Record<string, string> = mock.sign(body)): Promise<Answer<D>> {
  const request = new Request(`https://api.tanmarket.cn:20066/api${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body })
  const response = await getResponse(mock.handlers, request)
  if (!response) throw new Error(`no handler answered ${path}`)
  const text = await response.text()
  return { status: response.status, text, json: JSON.parse(text) }
}

/** A signed call of an endpoint through the handlers: its envelope. */
export async function call<T = unknown>(mock: Mock, endpoint: Endpoint, body: unknown): Promise<Envelope<T>> {
  return (await send<T>(mock, endpoint.path, bodyText(body))).json
}

/** A signed call of an endpoint over HTTP, to a running server. */
export async function callHttp(mock: Mock, server: RunningServer, endpoint: Endpoint, body: unknown): Promise<{ status: number; text: string }> {
  const text = bodyText(body)
  const response = await fetch(`${server.origin}/api${endpoint.path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...mock.sign(text) }, body: text })
  return { status: response.status, text: await response.text() }
}

/** The exact body bytes to `path` over HTTP, on a server started for this call. */
export async function overHttp<D = any>(mock: Mock, path: string, body: string): Promise<Answer<D>> {
  const server = await startServer(mock, { port: 0, host: '127.0.0.1' })
  try {
    const response = await fetch(`${server.origin}/api${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...mock.sign(body) }, body })
    const text = await response.text()
    return { status: response.status, text, json: JSON.parse(text) }
  } finally {
    await server.close()
  }
}

export interface RelationItem {
  customerId: number
  qwUserId: string
  type: number
  fields: { field: string; type: number; valueAsText: string | null }[]
  createTime: string
  lastUpdateTime: string
  externalUserId?: string | null
  wechatNickname: string | null
  wechatAvatar: string | null
  qwRemark: string | null
}

/** Every relation item of the relation list (or of one member's deprecated list), page by page. */
export async function sweep(mock: Mock, qwUserId?: string, size = 100): Promise<RelationItem[]> {
  const endpoint = qwUserId === undefined ? listByRelationCreateTimeAsc : listByQwUserId
  const items: RelationItem[] = []
  let cursor: string | undefined
  for (;;) {
    const page = await call<{ list: RelationItem[]; nextCursor: string | null }>(mock, endpoint, { size, ...(qwUserId ? { qwUserId } : {}), ...(cursor ? { cursor } : {}) })
    if (page.code !== 0) throw new Error(page.message)
    items.push(...page.data.list)
    if (!page.data.nextCursor || page.data.list.length === 0) return items
    cursor = page.data.nextCursor
  }
}

/** The first page (100) of the relation list filtered to a member. */
export async function followedBy(mock: Mock, qwUserId: string): Promise<RelationItem[]> {
  const page = await call<{ list: RelationItem[]; nextCursor: string | null }>(mock, listByRelationCreateTimeAsc, { size: 100, qwUserId })
  return page.data.list
}

/** A server over `mock` (127.0.0.1, a free port) for the tests of the enclosing describe: started before them, closed after. */
export function serving(mock: () => Mock): () => RunningServer {
  let server: RunningServer | undefined
  beforeAll(async () => {
    server = await startServer(mock(), { port: 0, host: '127.0.0.1' })
  })
  afterAll(() => server?.close())
  return () => server!
}
