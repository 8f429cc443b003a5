/**
 * Every error the fake answers, in the upstream's envelope `{code, message, data}` (docs/upstream.md §1).
 * Codes and messages live here and nowhere else. The documented and client-observed ones are kept
 * verbatim; where the upstream is unknown the choice is marked, and each entry can be overridden
 * (`--error kind=code[:message]`) by a user who learns the real behaviour.
 */

export type ErrorKind =
  | 'badSignature'
  | 'missingCredentials'
  | 'unknownAppId'
  | 'staleTimestamp'
  | 'badTimestamp'
  | 'validation'
  | 'notFound'
  | 'methodNotAllowed'
  | 'payloadTooLarge'
  | 'internal'
  | 'malformedHttp'
  | 'rateLimited'
  | 'duplicateMobile'

export interface ErrorDefinition {
  /** The envelope's `code`. */
  readonly code: number
  /** The envelope's `message`; for `validation` a prefix followed by what is wrong. */
  readonly message: string
  /** HTTP status when the upstream's own (HTTP 200) is not used: only where no upstream endpoint is involved. */
  readonly httpStatus: number
  /** Where the behaviour comes from (docs/upstream.md's marks). */
  readonly source: 'doc' | 'clients' | 'derived' | 'choice'
  /** The message is followed by the error's detail (what is wrong, which path). */
  readonly detailed?: boolean
}

const SIGNATURE_MESSAGE = '签名校验未通过'
const TIMESTAMP_MESSAGE = '请求时间与服务器时间相差过大，请校对时间后重新请求'

export const DEFAULT_ERRORS: Readonly<Record<ErrorKind, ErrorDefinition>> = {
  badSignature: { code: 1002, message: SIGNATURE_MESSAGE, httpStatus: 200, source: 'clients' },
  missingCredentials: { code: 1002, message: SIGNATURE_MESSAGE, httpStatus: 200, source: 'choice' },
  unknownAppId: { code: 1002, message: SIGNATURE_MESSAGE, httpStatus: 200, source: 'choice' },
  staleTimestamp: { code: 1003, message: TIMESTAMP_MESSAGE, httpStatus: 200, source: 'clients' },
  badTimestamp: { code: 1003, message: TIMESTAMP_MESSAGE, httpStatus: 200, source: 'choice' },
  validation: { code: 40000, message: '请求参数验证失败：', httpStatus: 200, source: 'clients', detailed: true },
  notFound: { code: 404, message: '接口不存在：', httpStatus: 404, source: 'choice', detailed: true },
  methodNotAllowed: { code: 405, message: '请求方法不支持，请使用 POST', httpStatus: 405, source: 'choice' },
  payloadTooLarge: { code: 413, message: '请求体过大', httpStatus: 413, source: 'choice' },
  internal: { code: 500, message: '服务器内部错误', httpStatus: 500, source: 'choice' },
  malformedHttp: { code: 400, message: 'HTTP 请求格式错误', httpStatus: 400, source: 'choice' },
  /** Only with a rateLimit fault rule: the upstream's own code for this is unknown. */
  rateLimited: { code: 429, message: '请求过于频繁，请稍后再试', httpStatus: 200, source: 'choice' },
  /** add-clue with a mobile number a customer or lead already has (docs/upstream.md §7.2). */
  duplicateMobile: { code: 40417, message: '请求参数验证失败：电话号码重复', httpStatus: 200, source: 'clients' },
}

export const ERROR_KINDS = Object.keys(DEFAULT_ERRORS) as ErrorKind[]

export type ErrorOverrides = Partial<Record<ErrorKind, { code?: number; message?: string }>>

/** How HTTP statuses are used: `real` (404/405/413/500 where no endpoint is involved) or `always-200`. */
export type HttpStatusMode = 'real' | 'always-200'

/** A business or transport error on its way to the client as an envelope. */
export class UpstreamError extends Error {
  constructor(
    readonly kind: ErrorKind,
    /** For validation errors: what is wrong; for others: an optional detail for logs and the journal. */
    readonly detail?: string,
  ) {
    super(detail ? `${kind}: ${detail}` : kind)
  }
}

/** The errors in force for one server: the defaults with the user's overrides. */
export class ErrorCatalog {
  readonly #defs: Record<ErrorKind, ErrorDefinition>

  constructor(
    overrides: ErrorOverrides = {},
    readonly httpStatusMode: HttpStatusMode = 'real',
  ) {
    this.#defs = { ...DEFAULT_ERRORS }
    for (const kind of Object.keys(overrides) as ErrorKind[]) {
      if (!(kind in DEFAULT_ERRORS)) throw new Error(`unknown error kind "${kind}" (known: ${ERROR_KINDS.join(', ')})`)
      this.#defs[kind] = { ...DEFAULT_ERRORS[kind], ...overrides[kind] }
    }
  }

  definition(kind: ErrorKind): ErrorDefinition {
    return this.#defs[kind]
  }

  /** The envelope code, message and HTTP status for an error. */
  render(error: UpstreamError): { status: number; code: number; message: string } {
    const def = this.#defs[error.kind]
    const message = def.detailed ? def.message + (error.detail ?? '') : def.message
    return { status: this.httpStatusMode === 'real' ? def.httpStatus : 200, code: def.code, message }
  }
}

/** `code` of every successful answer (its message is `ok`, or `success` by choice). */
export const SUCCESS_CODE = 0

/** The envelope as JSON text; `dataJson` is already-serialised JSON for `data`. */
export function envelopeJson(code: number, message: string, dataJson = 'null'): string {
  return `{"code":${code},"message":${JSON.stringify(message)},"data":${dataJson}}`
}
