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
}

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

/** What the handlers answered to a host request. */
export async function hostResponse(request: Request, response: Response): Promise<HostResponse> {
  const left = exchanges.get(request)?.response
  if (left) return left
  const headers: Record<string, string> = {}
  response.headers.forEach((value, name) => (headers[name] = value))
  return { status: response.status, headers, body: new Uint8Array(await response.arrayBuffer()) }
}
