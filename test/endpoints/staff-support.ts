/** Helpers of the staff endpoints' tests: a signed call through the package's handlers, or over HTTP. */
import { getResponse } from 'msw'
import type { Endpoint } from '../../mock/core/endpoint.js'
import type { Mock, RunningServer } from '../../mock/index.js'

export interface Envelope<T = unknown> {
  code: number
  message: string
  data: T
}

/** POSTs `body` (JSON text, or a value to stringify) to the endpoint, signed, through mock.handlers (no network). */
export async function call<T = unknown>(mock: Mock, endpoint: Endpoint, body: unknown): Promise<Envelope<T>> {
  const text = typeof body === 'string' ? body : JSON.stringify(body)
  const request = new Request(`https://api.tanmarket.cn:20066/api${endpoint.path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...mock.sign(text) }, body: text })
  const response = await getResponse(mock.handlers, request)
  if (!response) throw new Error(`no handler answered ${endpoint.path}`)
  return (await response.json()) as Envelope<T>
}

/** The same over HTTP, to a server started with startServer (127.0.0.1, port 0); answers the raw text too. */
export async function callHttp(mock: Mock, server: RunningServer, endpoint: Endpoint, body: unknown): Promise<{ status: number; text: string }> {
  const text = typeof body === 'string' ? body : JSON.stringify(body)
  const response = await fetch(`${server.origin}/api${endpoint.path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...mock.sign(text) }, body: text })
  return { status: response.status, text: await response.text() }
}
