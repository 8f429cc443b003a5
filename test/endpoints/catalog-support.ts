/** Signed calls to an endpoint in-process through the package's handlers, and over HTTP. */
import { getResponse } from 'msw'
import { startServer, type Mock } from '../../mock/index.js'

export interface Answer<D = any> {
  status: number
  text: string
  json: { code: number; message: string; data: D }
}

/** A signed POST of `body` (text, sent as is) to `/api<path>` through mock.handlers. */
export async function call<D = any>(mock: Mock, path: string, body: string, headers: Record<string, string> = mock.sign(body)): Promise<Answer<D>> {
  const request = new Request(`https://api.tanmarket.cn:20066/api${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body })
  const response = await getResponse(mock.handlers, request)
  if (!response) throw new Error(`no handler answered ${path}`)
  const text = await response.text()
  return { status: response.status, text, json: JSON.parse(text) }
}

/** The same over HTTP: a server on 127.0.0.1, port 0, closed afterwards. */
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
