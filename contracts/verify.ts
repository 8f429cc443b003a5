/**
 * Verifies pact files against the fake with the Pact verifier (`npm run verify -- --pact <file-or-dir>`).
 *
 * Recorded requests carry `appId`/`timestamp`/`sign` that went stale when they were recorded.
 * Before a request reaches the fake, every numeric `timestamp` is replaced by the real time now, and
 * a request whose recorded signature was valid (for its recorded timestamp and body, with the fake's
 * appKey for that appId) is signed again over the body as sent. A recorded signature that was
 * wrong stays wrong, so a "bad signature" interaction still gets 1002; a "stale timestamp"
 * interaction declares a provider state that moves the fake's clock, and gets 1003.
 *
 * Asynchronous message interactions (V4 `Asynchronous/Messages`, V3 `messages`) are pushes: the fake
 * is their message provider (push-provider.ts). HTTP and message interactions in one file verify
 * in the same run.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { startServer, type Mock } from '../mock/index.js'
import { computeSign } from '../mock/protocol/signing.js'
import { canonicalJson } from './matchers.js'
import { loadPact } from './pact.js'
import { pushMessageProviders, readPushInteractions, type PushInteraction } from './push-provider.js'
import { ProviderStates, type StateHandler, type StateValues } from './provider-states.js'
import { stripAnsi } from './verify-output.js'

export interface VerifyOptions {
  /** Pact files, directories of them, or URLs. */
  pact: string | readonly string[]
  /** The fake to verify (createMock / createTenants). */
  fake: Mock
  /** Your own provider states: modules (default export or `stateHandlers`: name → handler), and at most one state-change URL for states neither they nor the fake know. */
  providerStateSetup?: string | readonly string[]
  /** Your own provider states, in-process. */
  stateHandlers?: Readonly<Record<string, StateHandler>>
  logLevel?: 'error' | 'warn' | 'info' | 'debug' | 'trace'
}

export interface Mismatch {
  interaction: string
  mismatch: unknown
}

export interface VerifyResult {
  ok: boolean
  /** Interactions in the local pact files, push messages included (URLs are not counted). */
  interactions: number
  /** Of those, asynchronous message interactions (pushes). */
  messages: number
  errors: Mismatch[]
  /** Requests signed again because their recorded signature was valid. */
  resigned: number
  /** Requests whose recorded signature was wrong and was left so. */
  keptWrong: number
  /** Provider states that could not be set up, with why. */
  stateErrors: string[]
  /** Push messages the fake could not make (an unknown type, say), with why. */
  messageErrors: string[]
}

const isUrl = (source: string) => /^https?:\/\//.test(source)

/** The local pact files behind the sources (directories: their *.json), or an error naming what is missing. */
export function pactFiles(sources: readonly string[]): string[] {
  const files: string[] = []
  for (const source of sources) {
    if (isUrl(source)) continue
    let stat
    try {
      stat = statSync(source)
    } catch {
      throw new Error(`no pact file or directory ${source}`)
    }
    if (stat.isDirectory()) files.push(...readdirSync(source).filter((f) => f.endsWith('.json')).sort().map((f) => join(source, f)))
    else files.push(source)
  }
  return files
}

interface RecordedRequest {
  headers: Record<string, string>
  bodies: string[]
}

interface PactFile {
  interactions?: { type?: string; request?: { headers?: Record<string, string | string[]>; body?: unknown } }[]
  messages?: unknown[]
}

function readPactFile(file: string): PactFile {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as PactFile
  } catch (error) {
    throw new Error(`${file} is not a pact file: ${(error as Error).message}`)
  }
}

/** Headers (lower-cased, first value) and the body texts a recorded request may have been signed over (HTTP interactions). */
function recordedRequests(pact: PactFile): RecordedRequest[] {
  return (pact.interactions ?? []).filter((i) => i.type === undefined || i.type === 'Synchronous/HTTP').map(({ request = {} }) => {
    const headers = Object.fromEntries(Object.entries(request.headers ?? {}).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? String(v[0]) : String(v)]))
    const body = request.body as { content?: unknown; encoded?: unknown } | undefined
    // V4 keeps the body as {content, contentType, encoded}; V2/V3 as the JSON itself.
    const content = body && typeof body === 'object' && 'content' in body ? body.content : body
    const bodies =
      content === undefined ? [''] : typeof content === 'string' ? [body && (body as { encoded?: unknown }).encoded === 'base64' ? Buffer.from(content, 'base64').toString('utf8') : content, JSON.stringify(content)] : [JSON.stringify(content), canonicalJson(content)]
    return { headers, bodies }
  })
}

/** The pact-js proxy forwards a parsed JSON body re-serialised (parseBody): the bytes the fake will see. */
function forwardedBody(req: IncomingMessage & { body?: unknown }): string | Buffer {
  const body = req.body
  if (!body) return ''
  if (Buffer.isBuffer(body)) return body
  return typeof body === 'object' ? JSON.stringify(body) : ''
}

type Fallback = (state: string, params: Record<string, unknown>) => Promise<StateValues>

/** Loads `--provider-state-setup`: modules' handlers (merged in order), and a state-change URL as the fallback. */
async function customStates(setups: readonly string[]): Promise<{ handlers: Record<string, StateHandler>; fallback?: Fallback }> {
  const handlers: Record<string, StateHandler> = {}
  let fallback: Fallback | undefined
  for (const setup of setups) {
    if (isUrl(setup)) {
      if (fallback) throw new Error('give at most one state-change URL')
      fallback = async (state, params) => {
        const response = await fetch(setup, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ state, params, action: 'setup' }) })
        if (!response.ok) throw new Error(`state-change URL ${setup} answered HTTP ${response.status} for "${state}"`)
        const text = await response.text()
        return text ? (JSON.parse(text) as Record<string, unknown>) : undefined
      }
      continue
    }
    let module: { default?: unknown; stateHandlers?: unknown }
    try {
      module = (await import(pathToFileURL(resolve(setup)).href)) as typeof module
    } catch (error) {
      throw new Error(`cannot load provider states from ${setup}: ${(error as Error).message}`)
    }
    const exported = module.stateHandlers ?? module.default
    if (!exported || typeof exported !== 'object') throw new Error(`${setup} exports no state handlers (export default { 'state name': (params, fake) => values })`)
    Object.assign(handlers, exported)
  }
  return { handlers, ...(fallback ? { fallback } : {}) }
}

/**
 * Leaves out pact-core's `ERROR … Verification unsuccessful` log line until the answer: the result
 * (and the CLI's summary, with what failed) says it. pact-core logs it through pino, which writes
 * with console.log; every other line passes. Answers the function that puts console.log back.
 */
function withoutVerdictLine(): () => void {
  const log = console.log
  console.log = (...args: unknown[]) => {
    if (args.length === 1 && typeof args[0] === 'string' && /\bpact-core@[^:\s]*: Verification unsuccessful\s*$/.test(stripAnsi(args[0]))) return
    log.apply(console, args)
  }
  return () => {
    console.log = log
  }
}

/** Verifies the pacts against the fake, which it serves on 127.0.0.1 for the duration. */
export async function verifyPacts(options: VerifyOptions): Promise<VerifyResult> {
  const { Verifier } = loadPact('verifyPacts (tanma-mock verify)')
  const sources = typeof options.pact === 'string' ? [options.pact] : [...options.pact]
  const files = pactFiles(sources)
  const pacts = files.map(readPactFile)
  const recorded = pacts.flatMap(recordedRequests)
  const pushes: PushInteraction[] = pacts.flatMap(readPushInteractions)
  const interactions = pacts.reduce((n, p) => n + (p.interactions?.length ?? 0) + (p.messages?.length ?? 0), 0)
  const fake = options.fake
  const appKeyFor = (appId: string) => (fake.tenants ?? [fake]).find((t) => t.credentials.appId === appId)?.credentials.appKey
  const validRecorded = new Set<string>()
  for (const { headers, bodies } of recorded) {
    const { appid: appId, timestamp, sign } = headers
    const appKey = appId === undefined ? undefined : appKeyFor(appId)
    if (appKey === undefined || timestamp === undefined || sign === undefined) continue
    if (bodies.some((body) => computeSign(appId!, timestamp, body, appKey) === sign)) validRecorded.add(sign)
  }

  const setups = options.providerStateSetup === undefined ? [] : typeof options.providerStateSetup === 'string' ? [options.providerStateSetup] : options.providerStateSetup
  const custom = await customStates(setups)
  const states = new ProviderStates(fake, { ...custom.handlers, ...options.stateHandlers }, custom.fallback)
  const stateErrors: string[] = []
  const stateHandlers = new Proxy({} as Record<string, { setup: (params?: unknown) => Promise<StateValues> }>, {
    get: (_target, name) =>
      typeof name !== 'string' || name === 'toJSON' || name === 'then'
        ? undefined
        : {
            setup: async (params?: unknown) => {
              try {
                return await states.setup(name, (params ?? {}) as Record<string, unknown>)
              } catch (error) {
                stateErrors.push(`"${name}": ${(error as Error).message}`)
                throw error
              }
            },
          },
  })

  const messageErrors: string[] = []
  const messageProviders = pushMessageProviders(fake, pushes, messageErrors)

  let resigned = 0
  let keptWrong = 0
  const requestFilter = (req: IncomingMessage & { body?: unknown; path?: string }, _res: ServerResponse, next: () => void) => {
    const headers = req.headers
    const appId = headers.appid
    const sign = headers.sign
    const timestamp = headers.timestamp
    if (req.path === '/_pactSetup' || typeof appId !== 'string' || typeof sign !== 'string' || typeof timestamp !== 'string' || !/^\d+$/.test(timestamp)) return next()
    const fresh = String(Date.now())
    const appKey = appKeyFor(appId)
    const body = forwardedBody(req)
    headers.timestamp = fresh
    if (appKey !== undefined && (validRecorded.has(sign) || computeSign(appId, timestamp, body, appKey) === sign)) {
      headers.sign = computeSign(appId, fresh, body, appKey)
      resigned++
    } else {
      keptWrong++
    }
    next()
  }

  const server = await startServer(fake, { port: 0, host: '127.0.0.1' })
  let errors: Mismatch[] = []
  let ok = true
  const restoreLog = withoutVerdictLine()
  try {
    await new Verifier({
      providerBaseUrl: server.origin,
      // Files, not directories: the verifier filters a directory's pacts by provider name, and a consumer's name for us is theirs to choose.
      pactUrls: [...files.map((f) => resolve(f)), ...sources.filter(isUrl)],
      stateHandlers: stateHandlers as never,
      messageProviders,
      requestFilter: requestFilter as never,
      logLevel: options.logLevel ?? 'error',
      failIfNoPactsFound: true,
    }).verifyProvider()
  } catch (error) {
    ok = false
    try {
      errors = (JSON.parse((error as Error).message) as { errors?: Mismatch[] }).errors ?? []
    } catch {
      errors = [{ interaction: '(verifier)', mismatch: (error as Error).message }]
    }
  } finally {
    restoreLog()
    await server.close()
  }
  // A state that could not be set up makes the verification meaningless, whatever the verifier says.
  return { ok: ok && stateErrors.length === 0 && messageErrors.length === 0, interactions, messages: pushes.length, errors, resigned, keptWrong, stateErrors, messageErrors }
}
