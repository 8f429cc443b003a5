/**
 * The standalone HTTP host: plain `node:http` in front of the same routing and pipeline as the msw
 * handlers, decisions/0005-plain-node-http-host.md. It only moves bytes and holds no endpoint logic:
 * an upstream call goes straight from the Node request to the pipeline and its answer straight out
 * (decisions/0011-standalone-host-fast-path.md); the admin API's requests go through msw's
 * `getResponse` over the handlers, as a Fetch Request and Response. It reads at most
 * limit + 1 bytes of a body (the upstream `bodyLimit`, or `adminBodyLimit` under /__mock): enough
 * for the handler to refuse it with 413, never enough to exhaust memory.
 */
import { getResponse } from 'msw'
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createServer, STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { isAdminPath, isBearer } from './admin/guard.js'
import { BodyPool } from './body-pool.js'
import { createHandlers, createRouter, errorResponse } from './handlers.js'
import { answerEndpoint, answerUnknown, errorAnswer, type UpstreamCall } from './core/pipeline.js'
import type { HeaderSource } from './protocol/signing.js'
import type { HeaderList } from './journal.js'
import { hostRequest, hostResponse, type HostResponse } from './host-channel.js'
import type { Mock } from './index.js'
import { envelopeJson, UpstreamError } from './protocol/errors.js'
import { newRequestId, REQUEST_ID_HEADER } from './log.js'

export interface ServerOptions {
  /** Default 20066, the real service's port; 0 picks a free one. */
  readonly port?: number
  /** Default 127.0.0.1. */
  readonly host?: string
  /** Answers the requests it claims instead of the handlers (`--workers`: a write goes to every worker first, mock/cluster/worker.ts). */
  readonly intercept?: Intercept
}

/** A hook in front of the handlers: `claims` is asked of every request (cheaply: no Request is made for it), `handle` answers the claimed ones. */
export interface Intercept {
  claims(method: string, path: string): boolean
  handle(request: Request): Promise<Response>
}

export interface RunningServer {
  readonly host: string
  readonly port: number
  /** `http://host:port`. */
  readonly origin: string
  /** The base URL a consumer configures: `origin + /api`. */
  readonly baseUrl: string
  /**
   * Stops gracefully: no new connections, idle ones closed at once, requests in flight finish
   * (their connections close after the answer); whatever is still open after `graceMs` (default:
   * the `shutdownGraceMs` option) is closed. Hanging transport faults are cut at once.
   */
  close(graceMs?: number): Promise<void>
  /** A request through the handlers, as the server answers it (without `intercept`). */
  answer(request: Request): Promise<Response>
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

/**
 * The URL of a request target, on this server's origin; undefined when the target names no path.
 * Origin-form (`/path?query`) is taken as a path, whatever it holds (`//[`, `//a:b@[::1`, `%zz`
 * stay path characters: the authority is always ours); absolute-form (`http://x/path`) gives its
 * path and query. Anything else (`*`, `host:port`) is no request for this server. Never throws.
 */
export function requestUrl(target: string, origin: string): URL | undefined {
  try {
    if (target.startsWith('/')) return new URL(origin + target)
    if (/^https?:\/\//i.test(target)) {
      const absolute = new URL(target)
      return new URL(origin + absolute.pathname + absolute.search)
    }
  } catch {
    // not representable: answered as malformed HTTP
  }
  return undefined
}

/**
 * Every header as sent, a repeated one joined with `, ` as Fetch does in-process. (Node's
 * `req.headers` keeps only the first of a repeated Authorization, Content-Type, Host…: two
 * Authorization headers would be a valid token over HTTP and a wrong one in-process.)
 */
function toFetchHeaders(raw: IncomingMessage['headersDistinct']): Headers {
  const headers = new Headers()
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue
    try {
      headers.set(name, value.join(', '))
    } catch {
      // a value Fetch refuses (Node's parser lets through what undici does not): dropped
    }
  }
  return headers
}

/**
 * A header as Fetch's `Headers` holds it after toFetchHeaders: repeated values joined with `, `,
 * leading and trailing HTTP whitespace stripped, and a value Fetch refuses (NUL, CR, LF) absent.
 */
function headerValue(values: readonly string[] | undefined): string | null {
  if (values === undefined) return null
  const value = values.join(', ').replace(/^[\t\n\r ]+|[\t\n\r ]+$/g, '')
  return /[\0\r\n]/.test(value) ? null : value
}

/** The headers of a Node request as the pipeline reads them, the same as a Fetch Request's (toFetchHeaders). */
function nodeHeaders(raw: IncomingMessage['headersDistinct']): HeaderSource & HeaderList {
  return {
    get: (name) => headerValue(raw[name.toLowerCase()]),
    forEach: (callback) => {
      for (const name of Object.keys(raw).sort()) {
        const value = headerValue(raw[name])
        if (value !== null) callback(value, name)
      }
    },
  }
}

const NO_BODY = new Uint8Array(0)

/** A transport fault, on the socket: a reset, a body cut short, or silence until the client leaves. */
function actOut(answer: HostResponse, res: ServerResponse, hanging: Set<Socket>): void {
  const socket = res.socket!
  const fault = answer.fault!
  if (fault.kind === 'reset') return void socket.resetAndDestroy()
  if (fault.kind === 'truncate') {
    res.writeHead(answer.status, { ...answer.headers, 'content-length': String(answer.body.byteLength) })
    res.write(answer.body.subarray(0, fault.atByte), () => socket.destroy())
    return
  }
  hanging.add(socket)
  const timer = setTimeout(() => socket.resetAndDestroy(), fault.maxMs)
  timer.unref()
  socket.once('close', () => (clearTimeout(timer), hanging.delete(socket)))
}

export async function startServer(mock: Mock, { port = 20066, host = '127.0.0.1', intercept }: ServerOptions = {}): Promise<RunningServer> {
  const scopes = mock.tenants ?? [mock]
  const open = scopes.filter((m) => m.options.adminToken === undefined)
  if (!isLoopback(host) && open.length > 0) {
    const which = mock.tenants ? ` of tenant${open.length === 1 ? '' : 's'} ${open.map((m) => m.credentials.appId).join(', ')}` : ''
    throw new Error(
      `listening on ${host} would open the admin API (/__mock)${which} to the network: pass --admin-token <token>${mock.tenants ? ' (or give every tenant its "adminToken")' : ''}, or listen on 127.0.0.1`,
    )
  }
  const tenants = scopes.map((m) => ({ context: m.context, admin: m.admin }))
  const handlers = createHandlers(tenants, { unknownPaths: 'all' })
  const router = createRouter(tenants)
  const bodies = new BodyPool()
  const bodyLimit = Math.max(...scopes.map((m) => m.options.bodyLimit))
  const adminBodyLimit = Math.max(...scopes.map((m) => m.options.adminBodyLimit))
  const tokens = scopes.flatMap((m) => (m.options.adminToken === undefined ? [] : [m.options.adminToken]))
  /** Admin bodies may be large only for a client the admin API will hear: no token needed, or one given. */
  const adminUploadAllowed = (req: IncomingMessage) => tokens.length < scopes.length || tokens.some((t) => isBearer(req.headersDistinct.authorization?.join(', '), t))
  let origin = `http://${host}` // the listening address, once known
  let closing = false
  const hanging = new Set<Socket>()
  /** Streaming answers in progress (server-sent events): ended when the server stops. */
  const streaming = new Set<() => void>()

  /** A streaming answer: headers at once, then each chunk as it comes; the stream is cancelled when the client leaves. */
  const pipeStream = (res: ServerResponse, answer: HostResponse) => {
    const reader = answer.stream!.getReader()
    res.statusCode = answer.status
    for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value)
    if (closing) res.setHeader('connection', 'close')
    res.flushHeaders()
    let done = false
    const stop = () => {
      if (done) return
      done = true
      streaming.delete(stop)
      reader.cancel().catch(() => undefined)
      // Once stopping, the connection goes with the answer (it began as keep-alive).
      if (!res.writableEnded) res.end(() => (closing ? res.socket?.destroySoon() : undefined))
    }
    streaming.add(stop)
    res.once('close', stop)
    void (async () => {
      try {
        for (;;) {
          const { value, done: ended } = await reader.read()
          if (ended || done) break
          if (!res.write(value)) await new Promise<void>((resolve) => res.once('drain', resolve).once('close', resolve))
        }
      } catch {
        // the stream failed: the answer ends here
      }
      stop()
    })()
  }

  /** Writes a host answer; after a cut-short upload or once stopping, the connection closes after it. */
  const send = (req: IncomingMessage, res: ServerResponse, answer: HostResponse, truncated: boolean) => {
    res.statusCode = answer.status
    for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value)
    if (truncated || closing) res.setHeader('connection', 'close')
    // Answer now and discard the rest of an oversized upload.
    if (truncated) req.resume()
    if (!answer.chunks) return void res.end(answer.body)
    const { bytes, release } = bodies.fill(answer.chunks)
    // 'finish': the bytes are with the socket, the buffer is free again (a connection cut before that leaves it to the GC).
    res.end(bytes, release)
  }

  /** The envelope for a request the host refuses itself (no endpoint sees it). */
  const envelope = async (req: IncomingMessage, res: ServerResponse, error: unknown) => send(req, res, errorAnswer(mock.context, { method: 'GET', path: '/' }, error), false)

  /** An upstream call (or none: the 404), straight to the pipeline. */
  const direct = (call: UpstreamCall): HostResponse | Promise<HostResponse> => {
    const endpoint = router.endpointFor(call.path)
    return endpoint ? answerEndpoint(router.contextFor(call.headers.get('appId')), endpoint, call, router.peers) : answerUnknown(mock.context, call)
  }

  /** An admin request, through msw's getResponse over the handlers. */
  const throughMsw = async (url: URL, method: string, req: IncomingMessage, body: Uint8Array | undefined): Promise<HostResponse> => {
    const request = hostRequest(url, method, toFetchHeaders(req.headersDistinct), body)
    const response = (await getResponse(handlers, request)) ?? errorResponse(mock.context, request, new UpstreamError('notFound', `${method} ${url.pathname}`))
    return hostResponse(request, response)
  }

  const handle = async (request: Request) =>
    (await getResponse(handlers, request)) ?? errorResponse(mock.context, request, new UpstreamError('notFound', `${request.method} ${new URL(request.url).pathname}`))
  const viaIntercept = async (hook: Intercept, request: Request) => hostResponse(request, await hook.handle(request))

  const serve = async (req: IncomingMessage, res: ServerResponse) => {
    const method = req.method ?? 'GET'
    const url = requestUrl(req.url ?? '', origin)
    if (url === undefined) {
      res.setHeader('connection', 'close')
      return envelope(req, res, new UpstreamError('malformedHttp', `request target ${JSON.stringify((req.url ?? '').slice(0, 200))}`))
    }
    if (FETCH_FORBIDDEN_METHODS.has(method)) {
      // Fetch cannot even represent these (CONNECT, TRACE, TRACK): no endpoint takes them.
      return envelope(req, res, new UpstreamError('methodNotAllowed', method))
    }
    const withBody = method !== 'GET' && method !== 'HEAD'
    const limit = (isAdminPath(url.pathname) && adminUploadAllowed(req) ? Math.max(adminBodyLimit, bodyLimit) : bodyLimit) + 1
    const { body, truncated, gone } = withBody ? await readBody(req, limit) : { body: undefined, truncated: false, gone: false }
    if (gone) return void res.destroy()
    // `--workers`: a write, or a read of what lives once per tenant, leaves this worker (mock/cluster/worker.ts); a Request is made only then.
    const answer = intercept?.claims(method, url.pathname)
      ? await viaIntercept(intercept, hostRequest(url, method, toFetchHeaders(req.headersDistinct), body))
      : isAdminPath(url.pathname)
        ? await throughMsw(url, method, req, body)
        : await direct({ method, path: url.pathname, headers: nodeHeaders(req.headersDistinct), body: () => body ?? NO_BODY })
    if (answer.fault) return actOut(answer, res, hanging)
    if (answer.stream) return pipeStream(res, answer)
    send(req, res, answer, truncated)
  }

  // No Host header (an HTTP/1.0 client, a hand-written request): answered like any other request
  // (the envelope, or the admin API's guard), not with Node's bare 400.
  /** Per connection, when the answers to the requests read so far have gone out (pipelined requests are answered in order). */
  const answered = new WeakMap<Socket, Promise<void>>()
  /** Per connection, the last request read (its body may still be arriving) and its answer. */
  const lastRequest = new WeakMap<Socket, { req: IncomingMessage; res: ServerResponse }>()
  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    lastRequest.set(req.socket, { req, res })
    const done = new Promise<void>((resolve) => res.once('finish', resolve).once('close', resolve))
    answered.set(req.socket, Promise.all([answered.get(req.socket), done]).then(() => undefined))
    serve(req, res).catch((error: unknown) => {
      // A bug of ours still leaves as the envelope (errorResponse logs it), never as a stack trace.
      if (res.headersSent || res.destroyed) return void res.destroy()
      envelope(req, res, error).catch(() => res.destroy())
    })
  }
  const server = createServer({ requireHostHeader: false }, onRequest)
  // Expect: 100-continue: the interim answer goes out in turn, after the answers to the requests
  // before it on the connection, and not once its final answer has begun (Node's own writes it at
  // once: behind pipelined requests it landed inside the request's answer, between head and body).
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    const before = answered.get(req.socket)
    onRequest(req, res)
    void Promise.resolve(before).then(() => (res.headersSent ? undefined : res.writeContinue()))
  })
  // Any other expectation is ignored and the request served (Node's own answer is a bare 417).
  server.on('checkExpectation', onRequest)

  /**
   * The envelope written straight to a socket Node gives up parsing (no body after a HEAD), and the
   * connection closed: after the answers to the requests before it on the connection, never in their place.
   */
  const answerRaw = (socket: Socket, error: UpstreamError, head: boolean) => {
    const { status, code, message } = mock.context.errors.render(error)
    const text = envelopeJson(code, message)
    const headers = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\ncontent-type: application/json;charset=UTF-8\r\ncontent-length: ${Buffer.byteLength(text)}\r\n${REQUEST_ID_HEADER}: ${newRequestId()}\r\nconnection: close\r\n\r\n`
    void Promise.resolve(answered.get(socket)).then(() => {
      if (!socket.writable) return void socket.destroy()
      // Whatever else the client sends is read and dropped, so that its end is seen and the socket
      // closes (one Node no longer parses is nobody's to close); a client that never ends is cut.
      socket.resume().once('end', () => socket.destroy())
      socket.end(head ? headers : headers + text, () => setTimeout(() => socket.destroy(), 2000).unref())
    })
  }
  server.on('clientError', (error: NodeJS.ErrnoException & { rawPacket?: Buffer }, socket: Socket) => {
    if (!socket.writable || error.code === 'ECONNRESET') return socket.destroy()
    // Bad bytes in the body of a request already read: no second answer to it. Its answer, if given,
    // goes out before the connection closes; one still waiting for the body cannot be given.
    const last = lastRequest.get(socket)
    if (last && !last.req.complete) return void (last.res.writableEnded ? socket.destroySoon() : socket.destroy())
    answerRaw(socket, new UpstreamError('malformedHttp', String(error)), error.rawPacket?.subarray(0, 5).toString('latin1') === 'HEAD ')
  })
  // CONNECT (a proxy tunnel): no endpoint takes it; without this listener Node drops the connection unanswered.
  server.on('connect', (_req: IncomingMessage, socket: Socket) => answerRaw(socket, new UpstreamError('methodNotAllowed', 'CONNECT'), false))

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(error.code === 'EADDRINUSE' ? new Error(`port ${port} on ${host} is already in use: pass another with --port (0 picks a free one)`) : error)
    })
    server.listen(port, host, () => resolve())
  })
  const address = server.address() as AddressInfo
  origin = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`

  let closed: Promise<void> | undefined
  const close = (graceMs = mock.options.shutdownGraceMs) =>
    (closed ??= new Promise<void>((resolve, reject) => {
      closing = true
      const force = setTimeout(() => server.closeAllConnections(), graceMs)
      server.close((error) => {
        clearTimeout(force)
        if (error) reject(error)
        else resolve()
      })
      server.closeIdleConnections()
      for (const socket of hanging) socket.resetAndDestroy()
      for (const stop of [...streaming]) stop()
    }))
  return { host: address.address, port: address.port, origin, baseUrl: `${origin}/api`, close, answer: handle }
}

/**
 * Stops the server on SIGTERM and SIGINT as `close()` does (in-flight requests finish within the
 * grace period), then exits 0; a second signal exits at once. Launched through npm (`npm start`,
 * `npx tanma-mock`), node runs under `sh -c`, which dies of the SIGTERM npm forwards without passing
 * it on, and npm then ends itself: when the shell is gone (the process is re-parented) and npm with
 * it, the server stops the same way. A server left in the background of an npm script (`… &`), whose
 * npm lives on, keeps running.
 */
export function stopOnSignals(server: RunningServer, log: (line: string) => void = (line) => void process.stderr.write(line + '\n')): void {
  let stopping = false
  const stop = (why: string) => {
    if (stopping) {
      log(`tanma-mock: ${why} again, exiting now`)
      process.exit(1)
    }
    stopping = true
    log(`tanma-mock: ${why}, stopping (requests in flight may finish)`)
    server.close().then(
      () => process.exit(0),
      (error: unknown) => (log(`tanma-mock: ${error instanceof Error ? error.message : String(error)}`), process.exit(1)),
    )
  }
  process.on('SIGTERM', () => stop('SIGTERM')).on('SIGINT', () => stop('SIGINT'))
  if (process.env.npm_lifecycle_event !== undefined) watchLauncher(() => stop('the launcher (npm) was stopped'))
}

/** Calls `onGone` when this process's parent (the shell npm started) and npm above it are gone. */
function watchLauncher(onGone: () => void): void {
  const shell = process.ppid
  const npm = parentOf(shell)
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0)
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'EPERM'
    }
    try {
      return statOf(pid).state !== 'Z' // a zombie has exited, only not been reaped yet
    } catch {
      return true
    }
  }
  let orphanedAt: number | undefined
  const watch = setInterval(() => {
    if (process.ppid === shell) return
    orphanedAt ??= Date.now()
    if (npm === undefined || !alive(npm)) return void (clearInterval(watch), onGone())
    if (Date.now() - orphanedAt > 2000) clearInterval(watch) // npm lives on: left running on purpose
  }, 250)
  watch.unref()
}

/** State and parent of a process, from Linux's /proc (throws elsewhere). */
function statOf(pid: number): { state: string; ppid: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return { state: state!, ppid: Number(ppid) }
}

/** The parent of a process, where the system says (Linux /proc, or ps); undefined otherwise. */
function parentOf(pid: number): number | undefined {
  try {
    return statOf(pid).ppid
  } catch {
    try {
      const ppid = Number(execFileSync('ps', ['-o', 'ppid=', '-p', String(pid)], { encoding: 'utf8' }).trim())
      return Number.isSafeInteger(ppid) && ppid > 1 ? ppid : undefined
    } catch {
      return undefined
    }
  }
}
