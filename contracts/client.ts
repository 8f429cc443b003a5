/**
 * A typed reference client for the followed-customers listing, to use or to copy. It signs every
 * request (UPSTREAM.md §2), pages through a window with an async iterator, stops on a null
 * `nextCursor` or on an empty page (consumers must survive both ends), checks each page against
 * the documented shape, turns error envelopes into typed errors, and retries nothing: a failed call
 * fails once, loudly, and the caller decides.
 *
 *   const client = new TanmaClient({ baseUrl: 'https://api.tanmarket.cn:20066/api', appId, appKey })
 *   for await (const customer of client.followedCustomers({ since: '2024-01-01 00:00:00' })) …
 */
import { computeSign } from '../mock/protocol/signing.js'
import { ERROR_CODES, LIST_PATH, errorEnvelopeSchema, followedCustomerPageSchema, type FollowedCustomer, type ListRequest } from './schema.js'

/** Any failure of a call: an error envelope, an HTTP failure, or an answer not in the documented shape. */
export class TanmaError extends Error {
  override name = 'TanmaError'
  constructor(
    message: string,
    /** The envelope's `code`, when there was one. */
    readonly code?: number,
    /** The HTTP status. */
    readonly status?: number,
  ) {
    super(message)
  }
}
/** `1002`: the signature did not verify (wrong appKey, a body changed after signing, unknown appId). */
export class TanmaSignatureError extends TanmaError {
  override name = 'TanmaSignatureError'
}
/** `1003`: the timestamp is too far from the server's clock. */
export class TanmaTimestampError extends TanmaError {
  override name = 'TanmaTimestampError'
}
/** `40000` (and the rest of 40xxx): the request was refused as invalid; the message says what is wrong. */
export class TanmaValidationError extends TanmaError {
  override name = 'TanmaValidationError'
}
/** Any other non-zero `code`. */
export class TanmaApiError extends TanmaError {
  override name = 'TanmaApiError'
}
/** The answer broke the protocol: not JSON, not the documented shape, or a cursor that does not move. */
export class TanmaProtocolError extends TanmaError {
  override name = 'TanmaProtocolError'
}

export interface TanmaClientOptions {
  /** Up to and including `/api` (or `/apiServer/api`): `https://api.tanmarket.cn:20066/api`. */
  baseUrl: string
  appId: string
  appKey: string
  /** The fetch to use (default: global fetch). */
  fetch?: typeof fetch
  /** Epoch milliseconds for `timestamp` (default: Date.now). */
  now?: () => number
}

export interface Page {
  list: FollowedCustomer[]
  nextCursor: string | null
}

export class TanmaClient {
  readonly #options: TanmaClientOptions
  readonly #fetch: typeof fetch
  readonly #now: () => number

  constructor(options: TanmaClientOptions) {
    this.#options = { ...options, baseUrl: options.baseUrl.replace(/\/+$/, '') }
    this.#fetch = options.fetch ?? fetch
    this.#now = options.now ?? Date.now
  }

  /** One signed POST; answers `data` of a successful envelope, or throws a typed error. */
  async call(path: string, body: object): Promise<unknown> {
    const { appId, appKey, baseUrl } = this.#options
    const text = JSON.stringify(body)
    const timestamp = String(this.#now())
    const response = await this.#fetch(`${baseUrl}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', appId, timestamp, sign: computeSign(appId, timestamp, text, appKey) },
      body: text,
    })
    const raw = await response.text()
    let json: unknown
    try {
      json = JSON.parse(raw)
    } catch {
      throw new TanmaProtocolError(`HTTP ${response.status} from ${path}: not JSON: ${raw.slice(0, 200)}`, undefined, response.status)
    }
    const envelope = json as { code?: unknown; message?: unknown; data?: unknown }
    if (envelope.code === 0) return envelope.data
    const error = errorEnvelopeSchema.safeParse(json)
    if (!error.success) throw new TanmaProtocolError(`HTTP ${response.status} from ${path}: not an envelope: ${raw.slice(0, 200)}`, undefined, response.status)
    const { code, message } = error.data
    const Kind =
      code === ERROR_CODES.badSignature ? TanmaSignatureError : code === ERROR_CODES.staleTimestamp ? TanmaTimestampError : code >= 40000 && code < 41000 ? TanmaValidationError : TanmaApiError
    throw new Kind(`${code} ${message}`, code, response.status)
  }

  /** One page of followed customers, checked against the documented shape. */
  async listPage(request: ListRequest = {}): Promise<Page> {
    const data = await this.call(LIST_PATH, request)
    const page = followedCustomerPageSchema.shape.data.safeParse(data)
    if (!page.success) {
      const issue = page.error.issues[0]!
      throw new TanmaProtocolError(`a page not in the documented shape: ${['data', ...issue.path].join('.')}: ${issue.message}`)
    }
    return page.data
  }

  /**
   * Every page of a window, in order: from `request.cursor` (or the start) until `nextCursor` is
   * null or a page is empty. Throws if the server hands back the cursor it was given.
   */
  async *pages(request: Omit<ListRequest, 'cursor'> & { cursor?: string } = {}): AsyncGenerator<Page, void, undefined> {
    let cursor = request.cursor
    for (;;) {
      const page = await this.listPage(cursor === undefined ? request : { ...request, cursor })
      if (page.list.length === 0) return
      yield page
      if (page.nextCursor === null) return
      if (page.nextCursor === cursor) throw new TanmaProtocolError(`nextCursor ${cursor} did not move: the server would page forever`)
      cursor = page.nextCursor
    }
  }

  /** Every followed customer (one per follow relation) of a window, in relation creation order. */
  async *followedCustomers(request: Omit<ListRequest, 'cursor'> & { cursor?: string } = {}): AsyncGenerator<FollowedCustomer, void, undefined> {
    for await (const page of this.pages(request)) yield* page.list
  }
}
