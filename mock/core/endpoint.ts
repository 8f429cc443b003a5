/**
 * The endpoint module: one file per upstream endpoint (mock/endpoints/<group>/<endpoint>.ts) declares
 * what it is, what it takes, what it answers and how; the pipeline (mock/core/pipeline.ts) does the
 * rest, the same for every endpoint. `defineEndpoint` turns a declaration into the `Endpoint` the
 * pipeline, the contracts and the tests use.
 */
import { z } from 'zod'
import type { FaultPlan } from '../faults.js'
import type { ErrorKind } from '../protocol/errors.js'
import type { PageNote } from '../journal.js'
import { SILENT, type Logger } from '../log.js'
import type { ResolvedOptions } from '../options.js'
import { checkRequest } from './body.js'
import type { MockContext } from './context.js'

export type { MockContext, Tenant } from './context.js'

/** JSON text, or UTF-8 chunks that concatenate to it (so cached pieces are not copied twice). */
export type JsonText = string | readonly Buffer[]

/**
 * A request schema: a zod object whose keys are the known body properties (docs/behaviour.md
 * lists them), or an array of such objects for the endpoints whose body is a JSON array.
 */
export type RequestSchema = z.ZodObject | z.ZodArray<z.ZodObject>

/** What a handler gets: the checked request and where it runs. */
export interface EndpointCall<Request = unknown> {
  readonly context: MockContext
  /** The request schema's output. */
  readonly request: Request
  /** The JSON body as sent (before the schema; `{}` for an empty body). */
  readonly body: unknown
  /** What the handler tells the journal (page size, cursor, items, …). */
  readonly note: PageNote
  /** The request's logger (its lines carry the request id). */
  readonly log: Logger
  /** The fault plan in force for this call, if any rule fired (a cursor list reads its page anomalies). */
  readonly plan?: FaultPlan
}

/**
 * Steps of the pipeline an endpoint kind takes part in, so the pipeline knows nothing of lists
 * (mock/core/cursor-list.ts provides them for keyset lists).
 */
export interface EndpointHooks {
  /** A fault answers instead of the endpoint: note what the call came with (from the raw body) for the journal. */
  unserved?(raw: Uint8Array, note: PageNote): void
  /** After the handler ran: more latency a fault asks for, given what was served (ms; 0 for none). */
  lateMs?(context: MockContext, plan: FaultPlan, note: PageNote): number
}

/** Where a fact comes from (docs/upstream.md): the vendor's documentation, or public client code. */
export type EndpointSource = 'doc' | 'clients'

/** What one endpoint file declares. */
export interface EndpointModule<S extends RequestSchema = RequestSchema, D extends z.ZodType = z.ZodType> {
  /** The path's ending, from `/v2/` or `/v3/` on: any prefix is accepted (`/api`, `/apiServer/api`, …). */
  readonly path: string
  /** The vendor's title of the endpoint (its documentation page, or the clients' name for it). */
  readonly title: string
  readonly source: EndpointSource
  /**
   * How much of the answer's shape is our choice (docs/upstream.md §7 marks it [choice]): all of it
   * (`choice`), or the part the public sources leave out (`partly choice`); absent: as `source` says.
   */
  readonly dataSource?: 'choice' | 'partly choice'
  /**
   * A minimal request body that answers code 0 on the default world (README's endpoint table,
   * scripts/endpoints-table.ts; test/readme-endpoints.test.ts sends each).
   */
  readonly example: unknown
  /** Whether it changes the world. */
  readonly kind: 'read' | 'write'
  /** Whether an empty or absent body is taken, as `{}` (default true: clients send one, some sign over `""`). */
  readonly emptyBody?: boolean
  /**
   * The request schema for these options; validation errors come from it (`40000 请求参数验证失败：…`).
   * `z.object(…)` takes a JSON object; `z.array(z.object(…))` a JSON array (save-highseas).
   */
  request(options: ResolvedOptions): S
  /** The documented shape of the answer's `data`: the one the contracts and the reference client use. */
  readonly data: D
  /** The success envelope's `message`: fixed (`ok`, `success`, or the endpoint's own text), or `option` (the `successMessage` option). */
  readonly message: 'ok' | 'success' | 'option' | (string & {})
  /** The success envelope has no `data` property at all (push-register: `{"code":0,"message":…}`); `serve`'s answer is ignored. */
  readonly withoutData?: boolean
  /**
   * The business errors `serve` throws besides validation (e.g. add-clue's `duplicateMobile`, 40417):
   * the coverage model's error variants of the endpoint (mock/coverage/model.ts) beside the pipeline's.
   */
  readonly errors?: readonly ErrorKind[]
  /** The answer's `data` as JSON text; throws UpstreamError for business errors. */
  serve(call: EndpointCall<z.output<S>>): JsonText
  readonly hooks?: EndpointHooks
}

/** An endpoint ready to serve: its declaration, its request schema per options, and a direct call. */
export interface Endpoint<S extends RequestSchema = RequestSchema, D extends z.ZodType = z.ZodType> extends EndpointModule<S, D> {
  /** The request schema for these options, built once per options. */
  schema(options: ResolvedOptions): S
  /** The checked request, or the upstream's validation error naming the first thing wrong. */
  check(options: ResolvedOptions, body: unknown, note?: PageNote, log?: Logger): z.output<S>
  /** Check the body and serve it: the pipeline's validate and handler steps, without HTTP or signature. */
  handle(context: MockContext, body: unknown, note?: PageNote, extras?: { readonly log?: Logger; readonly plan?: FaultPlan }): JsonText
}

/** The top-level fields of a request schema (of its elements, for an array body), in its order. */
export function requestFields(schema: RequestSchema): readonly string[] {
  return Object.keys((schema instanceof z.ZodArray ? schema.element : schema).shape)
}

export function defineEndpoint<S extends RequestSchema, D extends z.ZodType>(module: EndpointModule<S, D>): Endpoint<S, D> {
  const schemas = new WeakMap<ResolvedOptions, S>()
  const schema = (options: ResolvedOptions): S => {
    let built = schemas.get(options)
    if (!built) schemas.set(options, (built = module.request(options)))
    return built
  }
  const check = (options: ResolvedOptions, body: unknown, note: PageNote = {}, log: Logger = SILENT) => checkRequest(schema(options), options, body, note, log)
  return {
    ...module,
    schema,
    check,
    handle(context, body, note = {}, { log = context.logger, plan } = {}) {
      const request = check(context.options, body, note, log)
      return module.serve({ context, request, body, note, log, plan })
    },
  }
}
