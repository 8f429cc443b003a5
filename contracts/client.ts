/**
 * A typed reference client for the followed-customers listing, to use or to copy. It signs every
 * request (docs/upstream.md §2), pages through a window with an async iterator, stops on a null
 * `nextCursor` or on an empty page (consumers must survive both ends), skips an item a page repeats
 * from the previous one, checks each page against the documented shape, and turns every failure
 * into a typed error. It retries only when asked (`retry`): then transport failures, timeouts,
 * gateway pages and the retryable codes (system busy, rate limited) are tried again with
 * exponential back-off, each attempt signed afresh; nothing else is.
 *
 *   const client = new TanmaClient({ baseUrl: 'https://api.tanmarket.cn:20066/api', appId, appKey })
 *   for await (const customer of client.followedCustomers({ since: '2024-01-01 00:00:00' })) …
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { DEFAULT_ERRORS } from '../mock/protocol/errors.js'
import { computeSign } from '../mock/protocol/signing.js'
import type { z } from 'zod'
import {
  ERROR_CODES, LIST_PATH, errorEnvelopeSchema, followedCustomerPageSchema, type FollowedCustomer, type ListRequest,
  echoEndpoint, listByQwUserIdEndpoint, listFieldsEndpoint, listTagTreeEndpoint, mapProfileFieldEndpoint, profileFieldsEndpoint,
  GET_USERS_PATH, USER_DEPARTMENT_PATH, USER_INFO_PATH, salesMemberPageSchema, userDepartmentsSchema, userInfoSchema,
  type DepartmentRef, type GetUsersRequest, type MemberIds, type SalesMemberPage, type UserDepartmentRequest,
  qwDetailsEndpoint, qwListByCustomerEndpoint, editRelationFieldEndpoint, customerTransferEndpoint, importCustomerEndpoint, updateCustomerByIdEndpoint,
  type AliasValues,
} from './schema.js'
import {
  ADD_CLUE_PATH, CLUE_EDIT_FIELD_PATH, CLUE_FOLLOW_UP_PATH, CLUE_LIST_PATH, addClueDataSchema, editClueFieldDataSchema, followUpPageSchema, leadPageSchema,
  type AddClueRequest, type FollowUpPage, type LeadPage,
} from './schema.js'
import { CUSTOMER_INFO_PATH, customerIdsSchema, SAVE_HIGHSEAS_PATH, newCustomerIdsSchema, type SaveHighseasRequest } from './schema.js'
import { CUSTOMER_SEARCH_PATH, customerSearchPageSchema, type CustomerSearchPage, type CustomerSearchRequest } from './schema.js'

/** Any failure of a call: an error envelope, an HTTP failure, or an answer not in the documented shape. */
export class TanmaError extends Error {
  constructor(
    message: string,
    /** The envelope's `code`, when there was one. */
    readonly code?: number,
    /** The HTTP status. */
    readonly status?: number,
  ) {
    super(message)
    this.name = new.target.name
  }
}
/** `1002`: the signature did not verify (wrong appKey, a body changed after signing, unknown appId). */
export class TanmaSignatureError extends TanmaError {}
/** `1003`: the timestamp is too far from the server's clock. */
export class TanmaTimestampError extends TanmaError {}
/** `40000` (and the rest of 40xxx): the request was refused as invalid; the message says what is wrong. */
export class TanmaValidationError extends TanmaError {}
/** Any other non-zero `code`. */
export class TanmaApiError extends TanmaError {}
/** The answer broke the protocol: not JSON, not the documented shape, or a cursor that does not move. */
export class TanmaProtocolError extends TanmaError {}
/** No whole answer arrived: the connection failed, was reset, or closed mid-body. */
export class TanmaTransportError extends TanmaError {}
/** No answer within `timeoutMs`. */
export class TanmaTimeoutError extends TanmaTransportError {}
/** An HTTP error without the upstream's envelope (a gateway's 502/503/504 page). */
export class TanmaHttpError extends TanmaError {}

export interface RetryOptions {
  /** Attempts after the first. */
  retries: number
  /** The first back-off (default 200 ms), doubled for each further attempt. */
  baseDelayMs?: number
  /** The longest back-off (default 10 s). */
  maxDelayMs?: number
  /** Envelope codes worth another attempt (default: -1 system busy, 429 rate limited). */
  retryCodes?: readonly number[]
  /** Told of each retry before its back-off. */
  onRetry?: (event: { attempt: number; error: TanmaError; delayMs: number }) => void
  /** How to wait (default: a timer); tests pass their own. */
  sleep?: (ms: number) => Promise<void>
}

/** -1: "system busy" in many Chinese APIs (a fault's usual code); the fake's rate-limit code (a choice, see the fidelity table). */
const DEFAULT_RETRY_CODES = [-1, DEFAULT_ERRORS.rateLimited.code]

/** Whether another attempt may succeed: never for signatures, timestamps, validation or the shape. */
export function isRetryable(error: unknown, retryCodes: readonly number[] = DEFAULT_RETRY_CODES): boolean {
  if (error instanceof TanmaTransportError) return true
  if (error instanceof TanmaHttpError) return (error.status ?? 0) >= 500 || error.status === 429
  return error instanceof TanmaApiError && error.code !== undefined && retryCodes.includes(error.code)
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
  /** Give up on a call after this long (TanmaTimeoutError). Default: no limit. */
  timeoutMs?: number
  /** Retry failures that may pass on another attempt (default: none). */
  retry?: RetryOptions
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

  /** One signed POST; answers `data` of a successful envelope, or throws a typed error (after the retries, if any). */
  async call(path: string, body: object): Promise<unknown> {
    const retry = this.#options.retry
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.#attempt(path, body)
      } catch (error) {
        if (!retry || attempt >= retry.retries || !isRetryable(error, retry.retryCodes)) throw error
        const delayMs = Math.min(retry.maxDelayMs ?? 10_000, (retry.baseDelayMs ?? 200) * 2 ** attempt)
        retry.onRetry?.({ attempt: attempt + 1, error: error as TanmaError, delayMs })
        await (retry.sleep ?? sleep)(delayMs)
      }
    }
  }

  async #attempt(path: string, body: object): Promise<unknown> {
    const { appId, appKey, baseUrl, timeoutMs } = this.#options
    const text = JSON.stringify(body)
    const timestamp = String(this.#now())
    const signal = timeoutMs === undefined ? undefined : AbortSignal.timeout(timeoutMs)
    let response: Response
    let raw: string
    try {
      response = await this.#fetch(`${baseUrl}${path}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', appId, timestamp, sign: computeSign(appId, timestamp, text, appKey) },
        body: text,
        ...(signal ? { signal } : {}),
      })
      raw = await response.text()
    } catch (error) {
      if (signal?.aborted) throw new TanmaTimeoutError(`no answer from ${path} within ${timeoutMs} ms`)
      throw new TanmaTransportError(`${path}: ${(error as Error).message}${(error as { cause?: Error }).cause ? ` (${(error as { cause: Error }).cause.message})` : ''}`)
    }
    let json: unknown
    try {
      json = JSON.parse(raw)
    } catch {
      const Kind = response.status >= 400 ? TanmaHttpError : TanmaProtocolError
      throw new Kind(`HTTP ${response.status} from ${path}: not JSON: ${raw.slice(0, 200)}`, undefined, response.status)
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
    let last: FollowedCustomer | undefined
    for (;;) {
      const page = await this.listPage(cursor === undefined ? request : { ...request, cursor })
      if (page.list.length === 0) return
      // A page that starts with the previous page's last relation again: skip the repeat.
      const first = page.list[0]!
      const repeat = last !== undefined && first.customerId === last.customerId && first.qwUserId === last.qwUserId
      last = page.list[page.list.length - 1]
      yield repeat ? { ...page, list: page.list.slice(1) } : page
      if (page.nextCursor === null) return
      if (page.nextCursor === cursor) throw new TanmaProtocolError(`nextCursor ${cursor} did not move: the server would page forever`)
      cursor = page.nextCursor
    }
  }

  /** Every followed customer (one per follow relation) of a window, in relation creation order. */
  async *followedCustomers(request: Omit<ListRequest, 'cursor'> & { cursor?: string } = {}): AsyncGenerator<FollowedCustomer, void, undefined> {
    for await (const page of this.pages(request)) yield* page.list
  }
  /** `data` of a call to an endpoint, checked against its documented shape (TanmaProtocolError if it is not). */
  async #checked<S extends z.ZodType>(path: string, schema: S, body: object): Promise<z.output<S>> {
    const data = await this.call(path, body)
    const result = schema.safeParse(data)
    if (!result.success) {
      const issue = result.error.issues[0]!
      throw new TanmaProtocolError(`${path}: an answer not in the documented shape: ${['data', ...issue.path].join('.')}: ${issue.message}`)
    }
    return result.data
  }

  /** 对接测试: the connection test; answers what the server echoes. */
  echo(body: object = { hello: 'tanmarket' }): Promise<unknown> {
    return this.call(echoEndpoint.path, body)
  }

  /** 列出客户数据字段列表: the field definitions (they resolve option ids in `fields[].valueAsText`). */
  listFields(): Promise<z.output<typeof listFieldsEndpoint.data>> {
    return this.#checked(listFieldsEndpoint.path, listFieldsEndpoint.data, {})
  }

  /** 查询客户字段: the field definitions with their aliases. */
  profileFields(): Promise<z.output<typeof profileFieldsEndpoint.data>> {
    return this.#checked(profileFieldsEndpoint.path, profileFieldsEndpoint.data, {})
  }

  /** 字段映射: gives field `fieldId` the alias the write endpoints then accept. */
  async mapProfileField(fieldId: number | string, alias: string): Promise<void> {
    await this.#checked(mapProfileFieldEndpoint.path, mapProfileFieldEndpoint.data, { fieldId: String(fieldId), alias })
  }

  /** 查询标签树: the tag groups with their tags (they resolve `tagIds`). */
  tagTree(): Promise<z.output<typeof listTagTreeEndpoint.data>> {
    return this.#checked(listTagTreeEndpoint.path, listTagTreeEndpoint.data, {})
  }

  /** 列出销售跟进的客户 (deprecated): one page of one member's followed customers. */
  listByQwUserId(request: { qwUserId: string; type?: 1 | 2; size?: number; cursor?: string }): Promise<z.output<typeof listByQwUserIdEndpoint.data>> {
    return this.#checked(listByQwUserIdEndpoint.path, listByQwUserIdEndpoint.data, request)
  }

  /** get-users (查询员工): one page of members, `{result, pageNo, pageSize, total, totalPage}`. */
  async users(request: GetUsersRequest = {}): Promise<SalesMemberPage> {
    return this.#checked(GET_USERS_PATH, salesMemberPageSchema, request)
  }

  /** common/user/info (获取员工id): a member's ids by mobile number (sent as a JSON number), or null when nobody has it. */
  async userByMobile(mobile: number | string): Promise<MemberIds | null> {
    return this.#checked(USER_INFO_PATH, userInfoSchema, { mobile: Number(mobile) })
  }

  /** contract/user-department (查询销售所有部门): a member's departments, by qwUserId, salesId or both. */
  async userDepartments(request: UserDepartmentRequest): Promise<DepartmentRef[]> {
    return this.#checked(USER_DEPARTMENT_PATH, userDepartmentsSchema, request)
  }

  /** clue/list-by-create-time-asc (按创建时间列出线索&待分配客户): one page of leads and customers waiting to be assigned. */
  async leads(request: { since?: string; before?: string; type?: 1 | 2; size?: number; cursor?: string } = {}): Promise<LeadPage> {
    return this.#checked(CLUE_LIST_PATH, leadPageSchema, request)
  }

  /** clue/list-follow-up (列出指定线索&待分配客户跟进内容): one page of a lead's follow-up records. */
  async leadFollowUps(request: { customerId: number; type?: 1 | 2; size?: number; cursor?: string }): Promise<FollowUpPage> {
    return this.#checked(CLUE_FOLLOW_UP_PATH, followUpPageSchema, request)
  }

  /** add-clue (个人线索导入): a new lead; answers its customer id (a repeated mobile is TanmaError code 40417). */
  async addClue(request: AddClueRequest): Promise<number> {
    return this.#checked(ADD_CLUE_PATH, addClueDataSchema, request)
  }

  /** clue/edit-field: one field of a lead, by alias, name, key or id; `valueAsText` as the lists show it. */
  async editClueField(customerId: number, field: string, valueAsText: string | null): Promise<void> {
    await this.#checked(CLUE_EDIT_FIELD_PATH, editClueFieldDataSchema, { customerId, field, valueAsText })
  }

  /** customer/qw-details (按企微客户id获取详情): the WeChat identity of an external contact per member (one member's with qwUserId). */
  qwDetails(request: { externalUserId: string; qwUserId?: string }): Promise<z.output<typeof qwDetailsEndpoint.data>> {
    return this.#checked(qwDetailsEndpoint.path, qwDetailsEndpoint.data, request)
  }

  /** customer/follow/qw-list-by-customer (获取指定企微客户的跟进数据, deprecated): the WeCom follow records of an external contact. */
  qwFollowRecords(externalUserId: string): Promise<z.output<typeof qwListByCustomerEndpoint.data>> {
    return this.#checked(qwListByCustomerEndpoint.path, qwListByCustomerEndpoint.data, { externalUserId })
  }

  /** customer-relation/edit-field: a value of a follow relation (`备注`: the member's remark; any other field: the customer's profile value). */
  async editRelationField(request: { customerId: number; qwUserId: string; field: string; valueAsText: string | null }): Promise<void> {
    await this.#checked(editRelationFieldEndpoint.path, editRelationFieldEndpoint.data, request)
  }

  /** customer-transfer (转移客户): moves customers' relations to member `handoverToUserid`; answers per customer whether it moved. */
  transferCustomers(handoverToUserid: string, customers: { qwUserId: string; customerId: number }[]): Promise<z.output<typeof customerTransferEndpoint.data>> {
    return this.#checked(customerTransferEndpoint.path, customerTransferEndpoint.data, { handoverToUserid, customers })
  }

  /** import-customer (个人客户导入): a new personal customer the member follows; answers its id. */
  importCustomer(qwUserId: string, fields: AliasValues[]): Promise<number> {
    return this.#checked(importCustomerEndpoint.path, importCustomerEndpoint.data, { qwUserId, fields })
  }

  /** customer/update-by-id: changes a customer's profile values. */
  async updateCustomer(customerId: number, fields: AliasValues[]): Promise<void> {
    await this.#checked(updateCustomerByIdEndpoint.path, updateCustomerByIdEndpoint.data, { customerId, fields })
  }

  /** customer/search (高级筛选接口(新版)): one page of customers, `{totalPage, pageNo, pageSize, total, data}`. */
  searchCustomers(request: CustomerSearchRequest = {}): Promise<CustomerSearchPage> {
    return this.#checked(CUSTOMER_SEARCH_PATH, customerSearchPageSchema, request)
  }

  /** common/customer/info (获取客户id): the ids of the customers with `values` in field `fieldId` (an id as text). */
  customerIdsByField(fieldId: string, values: string | string[]): Promise<number[]> {
    return this.#checked(CUSTOMER_INFO_PATH, customerIdsSchema, { field: { fieldId, values } })
  }

  /** save-highseas (公海): new customers waiting to be assigned, each field by its id; answers their ids. */
  saveHighseas(customers: SaveHighseasRequest): Promise<number[]> {
    return this.#checked(SAVE_HIGHSEAS_PATH, newCustomerIdsSchema, customers)
  }
}
