/**
 * The standalone HTTP host: Express in front of the very same msw handlers (msw's `getResponse`).
 * It only moves bytes — a Node request into a Fetch Request, the handlers' Response back out — and
 * holds no endpoint logic. It reads at most bodyLimit + 1 bytes of a body: enough for the handler
 * to refuse it with 413, never enough to exhaust memory.
 */
import express, { type NextFunction, type Request as ExpressRequest, type Response as ExpressResponse } from 'express'
import { getResponse } from 'msw'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createHandlers, errorResponse } from './handlers.js'
import { hostRequest, hostResponse, type HostResponse } from './host-channel.js'
import type { Mock } from './index.js'
import { envelopeJson, UpstreamError } from './protocol/errors.js'
import { newRequestId, REQUEST_ID_HEADER } from './log.js'

export interface ServerOptions {
  /** Default 20066, the real service's port; 0 picks a free one. */
  readonly port?: number
  /** Default 127.0.0.1. */
  readonly host?: string
}

export interface RunningServer {
  readonly host: string
  readonly port: number
  /** `http://host:port`. */
  readonly origin: string
  /** The base URL a consumer configures: `origin + /api`. */
  readonly baseUrl: string
  close(): Promise<void>
}

/**
 * Reads up to `max` bytes; the rest of an oversized body is left unread. `gone`: the client went
 * away before the body ended (nobody is left to answer).
 */
function readBody(req: IncomingMessage, max: number): Promise<{ body: Buffer; truncated: boolean; gone: boolean }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    let size = 0
    const onData = (chunk: Buffer) => {
      chunks.push(chunk)
      size += chunk.length
      if (size >= max) finish(true, false)
    }
    const finish = (truncated: boolean, gone: boolean) => {
      req.off('data', onData).off('end', onEnd).off('error', onGone).off('close', onClose)
      if (truncated) req.pause()
      resolve({ body: Buffer.concat(chunks).subarray(0, max), truncated, gone })
    }
    const onEnd = () => finish(false, false)
    const onGone = () => finish(false, true)
    const onClose = () => (req.complete ? undefined : onGone())
    req.on('data', onData).on('end', onEnd).on('error', onGone).once('close', onClose)
  })
}

/** Loopback hosts, where the admin API may be open. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host)
}

const FETCH_FORBIDDEN_METHODS = new Set(['CONNECT', 'TRACE', 'TRACK'])

function toFetchHeaders(raw: IncomingMessage['headers']): Headers {
  const headers = new Headers()
  for (const [name, value] of Object.entries(raw)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value)
  }
  return headers
}

/** A transport fault, on the socket: a reset, a body cut short, or silence until the client leaves. */
function actOut(answer: HostResponse, req: IncomingMessage, res: ExpressResponse): void {
  const socket = req.socket
  const fault = answer.fault!
  if (fault.kind === 'reset') return void socket.resetAndDestroy()
  if (fault.kind === 'truncate') {
    res.writeHead(answer.status, { ...answer.headers, 'content-length': String(answer.body.byteLength) })
    res.write(answer.body.subarray(0, fault.atByte), () => socket.destroy())
    return
  }
  const timer = setTimeout(() => socket.resetAndDestroy(), fault.maxMs)
  timer.unref()
  socket.once('close', () => clearTimeout(timer))
}

export async function startServer(mock: Mock, { port = 20066, host = '127.0.0.1' }: ServerOptions = {}): Promise<RunningServer> {
  if (!isLoopback(host) && mock.options.adminToken === undefined) {
    throw new Error(`listening on ${host} would open the admin API (/__mock) to the network: pass --admin-token <token> (or listen on 127.0.0.1)`)
  }
  const handlers = createHandlers((mock.tenants ?? [mock]).map((m) => ({ context: m.context, admin: m.admin })), { unknownPaths: 'all' })
  const app = express()
  app.disable('x-powered-by')
  app.disable('etag')

  app.use(async (req: ExpressRequest, res: ExpressResponse) => {
    const withBody = req.method !== 'GET' && req.method !== 'HEAD'
    const { body, truncated, gone } = withBody ? await readBody(req, mock.options.bodyLimit + 1) : { body: undefined, truncated: false, gone: false }
    if (gone) return void res.destroy()
    const url = new URL(req.originalUrl, `http://${host}`)
    let request: Request
    let response: Response | undefined
    if (FETCH_FORBIDDEN_METHODS.has(req.method)) {
      // Fetch cannot even represent these (CONNECT, TRACE, TRACK): no endpoint takes them.
      request = hostRequest(url, 'GET', new Headers(), undefined)
      response = errorResponse(mock.context, request, new UpstreamError('methodNotAllowed', req.method))
    } else {
      request = hostRequest(url, req.method, toFetchHeaders(req.headers), body)
      response = (await getResponse(handlers, request)) ?? errorResponse(mock.context, request, new UpstreamError('notFound', req.path))
    }
    const answer = await hostResponse(request, response)
    if (answer.fault) return actOut(answer, req, res)
    res.status(answer.status)
    for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value)
    if (truncated) {
      // Answer now, discard the rest of the upload, and do not reuse the connection.
      res.setHeader('connection', 'close')
      req.resume()
    }
    res.end(answer.body)
  })

  // Whatever escapes (a bug of ours, a broken socket) still leaves as the envelope, without a stack trace.
  app.use((error: unknown, req: ExpressRequest, res: ExpressResponse, _next: NextFunction) => {
    if (res.headersSent) return res.end()
    const response = errorResponse(mock.context, new Request(new URL(req.originalUrl, `http://${host}`)), error)
    res.status(response.status).type('application/json;charset=UTF-8')
    void response.text().then((text) => res.end(text))
  })

  const server: Server = createServer(app)
  server.on('clientError', (error, socket) => {
    if (!socket.writable) return socket.destroy()
    const { status, code, message } = mock.context.errors.render(new UpstreamError('malformedHttp', String(error)))
    const text = envelopeJson(code, message)
    socket.end(`HTTP/1.1 ${status} Bad Request\r\ncontent-type: application/json;charset=UTF-8\r\ncontent-length: ${Buffer.byteLength(text)}\r\n${REQUEST_ID_HEADER}: ${newRequestId()}\r\nconnection: close\r\n\r\n${text}`)
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(error.code === 'EADDRINUSE' ? new Error(`port ${port} on ${host} is already in use: pass another with --port (0 picks a free one)`) : error)
    })
    server.listen(port, host, () => resolve())
  })
  const address = server.address() as AddressInfo
  const origin = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`
  return {
    host: address.address,
    port: address.port,
    origin,
    baseUrl: `${origin}/api`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()))
        server.closeAllConnections()
      }),
  }
}
