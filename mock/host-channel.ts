/**
 * Bodies between the standalone host and the handlers, without the Fetch streams in between
 * (decisions/0003-host-body-channel.md). The host still builds a Request, calls msw's
 * `getResponse` and gets the handler's Response: msw routes and runs the very same resolver. But a
 * Request the host made carries its raw body here instead of in a ReadableStream, and the handler
 * leaves its response body here instead of streaming it back: 100 KB pages are not teed, copied and
 * re-read per request. Requests from anywhere else (setupServer in a consumer's test) are untouched.
 */

export interface HostResponse {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: Uint8Array
  /** The body in pieces, when it was made of them (`body` is their concatenation): the host copies them into a buffer it reuses. */
  readonly chunks?: readonly Uint8Array[]
  /** A transport fault for the host to act out on the socket. */
  readonly fault?: TransportFault
  /** A body that goes on until either side stops it (server-sent events): written as it comes, cancelled when the client leaves. */
  readonly stream?: ReadableStream<Uint8Array>
}

/**
 * Transport faults: `reset` the connection before answering; `truncate` the body after `atByte`
 * bytes (headers announce all of it) and drop the connection; `hang` without answering until the
 * client gives up (or `maxMs` passes, then reset).
 */
export type TransportFault = { readonly kind: 'reset' } | { readonly kind: 'truncate'; readonly atByte: number } | { readonly kind: 'hang'; readonly maxMs: number }

interface Exchange {
  readonly body: Uint8Array | undefined
  response?: HostResponse
}

const exchanges = new WeakMap<Request, Exchange>()

/** A Request for the handlers whose body travels beside it. */
export function hostRequest(url: URL, method: string, headers: Headers, body: Uint8Array | undefined): Request {
  const request = new Request(url, { method, headers })
  exchanges.set(request, { body })
  return request
}

/** Whether the standalone host made this request (it came over the network), rather than a test in-process. */
export function isHostRequest(request: Request): boolean {
  return exchanges.has(request)
}

/** The raw body of a request, from the host or from its stream. */
export async function requestBytes(request: Request): Promise<Uint8Array> {
  const exchange = exchanges.get(request)
  if (exchange) return exchange.body ?? new Uint8Array(0)
  return new Uint8Array(await request.arrayBuffer())
}

/** A handler's answer: left beside the Response for the host, or inside it for anyone else. */
export function respond(request: Request, status: number, headers: Record<string, string>, body: Uint8Array<ArrayBuffer>): Response {
  const exchange = exchanges.get(request)
  if (!exchange) return new Response(body, { status, headers })
  exchange.response = { status, headers, body }
  return new Response(null, { status, headers })
}

/**
 * A streaming answer (server-sent events): to the host, the stream beside the Response, which the
 * host writes out chunk by chunk and cancels when the connection closes; in-process, the Response's own body.
 */
export function respondStream(request: Request, status: number, headers: Record<string, string>, stream: ReadableStream<Uint8Array>): Response {
  const exchange = exchanges.get(request)
  if (!exchange) return new Response(stream, { status, headers })
  exchange.response = { status, headers, body: new Uint8Array(0), stream }
  return new Response(null, { status, headers })
}

/** What the handlers answered to a host request. */
export async function hostResponse(request: Request, response: Response): Promise<HostResponse> {
  const left = exchanges.get(request)?.response
  if (left) return left
  const headers: Record<string, string> = {}
  response.headers.forEach((value, name) => (headers[name] = value))
  return { status: response.status, headers, body: new Uint8Array(await response.arrayBuffer()) }
}

/**
 * A transport fault as an answer. To the host: a note to act out on the socket. In-process (msw):
 * `reset` is a network error, `truncate` a body stream that fails after `atByte` bytes, `hang` an
 * answer that never comes until the request is aborted (or `maxMs` passes).
 */
export function respondFault(request: Request, fault: TransportFault, status = 200, headers: Record<string, string> = {}, body: Uint8Array<ArrayBuffer> = new Uint8Array(0)): Response | Promise<Response> {
  const exchange = exchanges.get(request)
  if (exchange) {
    exchange.response = { status, headers, body, fault }
    return new Response(null, { status: 200 })
  }
  if (fault.kind === 'reset') return Response.error()
  if (fault.kind === 'truncate') {
    const part = body.subarray(0, fault.atByte)
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(part)
        controller.error(new TypeError('terminated: the connection was closed mid-body'))
      },
    })
    return new Response(stream, { status, headers: { ...headers, 'content-length': String(body.byteLength) } })
  }
  return new Promise<Response>((resolve) => {
    const timer = setTimeout(() => resolve(Response.error()), fault.maxMs)
    timer.unref?.()
    request.signal.addEventListener('abort', () => {
      clearTimeout(timer)
      resolve(Response.error())
    })
  })
}

/** An answer (mock/core/pipeline.ts) as the handler's Response: a transport fault acted out, or status, headers and bytes. */
export function toResponse(request: Request, answer: HostResponse): Response | Promise<Response> {
  const body = answer.body as Uint8Array<ArrayBuffer>
  if (answer.fault) return respondFault(request, answer.fault, answer.status, answer.headers, body)
  return respond(request, answer.status, { ...answer.headers }, body)
}
