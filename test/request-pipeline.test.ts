/**
 * The upstream request pipeline under hostile and careless input (issue 10): deep bodies, values
 * echoed in messages, unknown body properties, request ids, log formats, and our own bugs.
 */
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { setupServer } from 'msw/node'
import { afterEach, describe, expect, it } from 'vitest'
import { createMock, startServer, type MockOptions } from '../mock/index.js'
import { listByRelationCreateTimeAsc } from '../mock/endpoints/index.js'
import { knownProperties } from '../mock/core/body.js'
import type { LogEntry } from '../mock/log.js'
import { preview } from '../mock/preview.js'

const URL_ = 'https://api.tanmarket.cn:20066/api/v3/customer-relation/list-by-relation-create-time-asc'
const NOW = 1_750_000_000_000

interface Envelope {
  code: number
  message: string
  data: unknown
}

/** Everything written to stderr while `run` runs. */
async function stderrOf(run: () => Promise<unknown>): Promise<string> {
  const written: string[] = []
  const write = process.stderr.write.bind(process.stderr)
  process.stderr.write = ((chunk: string | Uint8Array) => (written.push(String(chunk)), true)) as typeof process.stderr.write
  try {
    await run()
  } finally {
    process.stderr.write = write
  }
  return written.join('')
}

/** A mock served in-process; `post` signs and sends a body through msw. */
async function served(options: MockOptions = {}) {
  const mock = await createMock({ seed: 'pipeline', customers: 60, staff: 4, now: () => NOW, ...options })
  const server = setupServer(...mock.handlers)
  server.listen({ onUnhandledRequest: 'error' })
  servers.push(server)
  const post = async (body: string, url = URL_) => {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...mock.sign(body) }, body })
    return { status: response.status, requestId: response.headers.get('x-request-id'), json: (await response.json()) as Envelope }
  }
  return { mock, post }
}
const servers: ReturnType<typeof setupServer>[] = []
afterEach(() => {
  for (const server of servers.splice(0)) server.close()
})

const nested = (depth: number, inner = '') => `${'['.repeat(depth)}${inner}${']'.repeat(depth)}`

describe('deeply nested bodies', () => {
  it('a signed body nested 5,000 or 100,000 levels gets a validation error, not a 500 and a stack on stderr', async () => {
    const { post } = await served()
    const stderr = await stderrOf(async () => {
      for (const depth of [4106, 5000, 100_000]) {
        for (const field of ['size', 'cursor', 'since', 'qwUserId', 'nextCursor']) {
          const r = await post(`{"${field}":${nested(depth)}}`)
          expect(r.status).toBe(200)
          expect(r.json).toEqual({ code: 40000, message: '请求参数验证失败：请求体嵌套过深（最多 1000 层）', data: null })
        }
      }
    })
    expect(stderr).toBe('')
  })

  it('a body exactly at the depth limit is parsed; brackets inside strings do not count', async () => {
    const { post } = await served()
    expect((await post(`{"size":${nested(999)}}`)).json.message).toMatch(/^请求参数验证失败：size .*（收到 \[\[\[\[/)
    expect((await post(`{"size":3,"note":"${'['.repeat(5000)}"}`)).json.code).toBe(0)
  })

  it('bodyDepthLimit moves the limit, and a deep value is still shown bounded in the message', async () => {
    const { post } = await served({ bodyDepthLimit: 10_000 })
    const r = await post(`{"cursor":${nested(9000)}}`)
    expect(r.json.code).toBe(40000)
    expect(r.json.message).toBe('请求参数验证失败：cursor 应为上一页返回的 nextCursor 字符串（收到 [[[[[[[[[…]]]]]]]]]）')
    expect((await post(`{"cursor":${nested(10_001)}}`)).json.message).toContain('嵌套过深')
  })
})

describe('values echoed in messages', () => {
  it('are bounded and never throw, whatever they are', () => {
    const cycle: Record<string, unknown> = { a: 1 }
    cycle.self = cycle
    const hostile = Object.defineProperty({}, 'x', { enumerable: true, get: () => { throw new Error('getter') } })
    const deep = JSON.parse(nested(50_000)) as unknown
    for (const value of [cycle, hostile, deep, 'x'.repeat(1_000_000), 10n ** 400n, Symbol('s'), () => 1, undefined, new Proxy({}, { ownKeys: () => { throw new Error('keys') } })]) {
      const text = preview(value)
      expect(text.length).toBeLessThanOrEqual(41)
    }
    expect(preview('😀'.repeat(30))).toMatch(/^"(😀)+…$/u)
    expect(preview({ a: [1, 'b', null] })).toBe('{"a":[1,"b",null]}')
  })

  it('a megabyte-long qwUserId is echoed in 40 characters', async () => {
    const { post } = await served({ unknownMember: 'error', bodyLimit: 2 * 1024 * 1024 })
    const r = await post(JSON.stringify({ qwUserId: 'u'.repeat(1_000_000) }))
    expect(r.json.code).toBe(40000)
    expect(r.json.message.length).toBeLessThan(80)
  })

  it('a long unknown path is echoed bounded in the 404 and the journal', async () => {
    const { mock, post } = await served()
    const r = await post('{}', `https://api.tanmarket.cn/${'p'.repeat(100_000)}`)
    expect(r.status).toBe(404)
    expect(r.json.message.length).toBeLessThan(300)
    expect(mock.admin.requests().at(-1)!.path.length).toBeLessThanOrEqual(201)
  })
})

describe('unknown body properties', () => {
  it('{"nextCursor": …} is ignored as before, and noted in the journal and the trace', async () => {
    const entries: LogEntry[] = []
    const { mock, post } = await served({ log: (_line, entry) => entries.push(entry) })
    const first = await post('{"size":3}')
    const again = await post(JSON.stringify({ size: 3, nextCursor: (first.json.data as { nextCursor: string }).nextCursor }))
    expect(again.json).toEqual(first.json)
    const journal = mock.admin.requests()
    expect(journal[0]!.unknownProperties).toBeUndefined()
    expect(journal[1]!.unknownProperties).toEqual(['nextCursor'])
    expect(entries.filter((e) => e.tag === 'body').map((e) => e.message)).toEqual(['unknown property nextCursor ignored (known: since, before, type, qwUserId, size, cursor)'])
  })

  it('strictBody refuses them with 40000 naming them and the known ones', async () => {
    const { mock, post } = await served({ strictBody: true })
    const r = await post('{"size":3,"nextCursor":"x","page":2}')
    expect(r.json).toEqual({ code: 40000, message: '请求参数验证失败：不支持的请求参数 nextCursor, page（可用：since, before, type, qwUserId, size, cursor）', data: null })
    expect(mock.admin.requests()[0]).toMatchObject({ code: 40000, unknownProperties: ['nextCursor', 'page'] })
    expect((await post('{"size":3}')).json.code).toBe(0)
  })

  it('a body with 50,000 unknown properties notes the first ten', async () => {
    const { mock, post } = await served()
    const body = `{${Array.from({ length: 50_000 }, (_, i) => `"k${i}":0`).join(',')}}`
    expect((await post(body)).json.code).toBe(0)
    expect(mock.admin.requests()[0]!.unknownProperties).toHaveLength(10)
  })

  it('the known properties are the request schema\'s, and docs/behaviour.md lists exactly those', async () => {
    const { mock } = await served()
    const known = knownProperties(listByRelationCreateTimeAsc.schema(mock.options))
    expect(known).toEqual(['since', 'before', 'type', 'qwUserId', 'size', 'cursor'])
    const docs = readFileSync(new URL('../docs/behaviour.md', import.meta.url), 'utf8')
    const section = docs.slice(docs.indexOf(`\`${listByRelationCreateTimeAsc.path}\``))
    const table = section.slice(section.indexOf('| field |'), section.indexOf('\n\n', section.indexOf('| field |')))
    const fields = [...table.matchAll(/^\| `(\w+)` \|/gm)].map((m) => m[1])
    expect(fields).toEqual(known)
  })
})

describe('request ids', () => {
  it('every answer in-process carries x-request-id, the journal entry has the same id, and ids differ', async () => {
    const { mock, post } = await served()
    const answers = [await post('{"size":2}'), await post('{"size":0}'), await post('{}', 'https://api.tanmarket.cn/api/v3/nothing')]
    const ids = answers.map((a) => a.requestId)
    for (const id of ids) expect(id).toMatch(/^[0-9a-f-]{36}$/)
    expect(new Set(ids).size).toBe(3)
    expect(mock.admin.requests().map((e) => e.requestId)).toEqual(ids)
    const admin = await fetch('https://api.tanmarket.cn/__mock/health')
    expect(admin.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('over HTTP too, on success, errors and admin answers', async () => {
    const mock = await createMock({ seed: 'pipeline', customers: 30, staff: 3 })
    const server = await startServer(mock, { port: 0, host: '127.0.0.1' })
    try {
      const body = '{"size":2}'
      const ok = await fetch(`${server.baseUrl}/v3/customer-relation/list-by-relation-create-time-asc`, { method: 'POST', body, headers: mock.sign(body) })
      const bad = await fetch(`${server.baseUrl}/v3/customer-relation/list-by-relation-create-time-asc`, { method: 'GET' })
      const admin = await fetch(`${server.origin}/__mock/health`)
      for (const r of [ok, bad, admin]) expect(r.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/)
      expect(mock.admin.requests().map((e) => e.requestId)).toEqual([ok.headers.get('x-request-id'), bad.headers.get('x-request-id')])
    } finally {
      await server.close()
    }
  })

  it('every log line of a request carries its id', async () => {
    const entries: LogEntry[] = []
    const { mock, post } = await served({ log: (_line, entry) => entries.push(entry) })
    const r = await post('{"size":2,"extra":1}')
    const lines = entries.filter((e) => e.tag !== 'admin')
    expect(lines.map((e) => e.tag)).toEqual(['route', 'signature', 'body', 'page'])
    for (const entry of lines) expect(entry.requestId).toBe(r.requestId)
    expect(mock.admin.requests()[0]!.requestId).toBe(r.requestId)
  })
})

describe('log formats', () => {
  it('text (--verbose): ISO timestamp, request id, tag', async () => {
    const { post } = await served({ log: true })
    let id: string | null = null
    const stderr = await stderrOf(async () => (id = (await post('{"size":2}')).requestId))
    const lines = stderr.trim().split('\n')
    expect(lines.length).toBe(3)
    for (const line of lines) expect(line).toMatch(new RegExp(`^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z ${id} \\[(route|signature|page)\\] `))
  })

  it('json (--log json): one pino object per line with time, level, reqId, tag and msg', async () => {
    const { post } = await served({ log: 'json' })
    let id: string | null = null
    const stderr = await stderrOf(async () => (id = (await post('{"size":0}')).requestId))
    const lines = stderr.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>)
    expect(lines.map((l) => l.tag)).toEqual(['route', 'signature', 'error'])
    for (const line of lines) {
      expect(line).toMatchObject({ level: 'info', name: 'tanma-mock', reqId: id, msg: expect.any(String) })
      expect(new Date(line.time as string).toISOString()).toBe(line.time)
    }
  })

  it('the CLI maps --log json, --strict-body and --body-depth-limit onto the options', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'mock/cli.ts', 'serve', '--port', '0', '--customers', '20', '--log', 'json', '--strict-body', '--body-depth-limit', '5'], { stdio: ['ignore', 'pipe', 'pipe'] })
    try {
      let out = ''
      let err = ''
      child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c))
      const origin = await new Promise<string>((resolve, reject) => {
        child.stdout.setEncoding('utf8').on('data', (c: string) => {
          out += c
          const m = /listening\s+(http:\/\/\S+)/.exec(out)
          if (m) resolve(m[1]!)
        })
        child.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${err}`)))
      })
      const mock = await createMock({ customers: 0 })
      const send = async (body: string) => {
        const r = await fetch(`${origin}/api/v3/customer-relation/list-by-relation-create-time-asc`, { method: 'POST', body, headers: mock.sign(body) })
        return { id: r.headers.get('x-request-id'), json: (await r.json()) as Envelope }
      }
      const unknown = await send('{"nextCursor":"x"}')
      expect(unknown.json.message).toContain('不支持的请求参数 nextCursor')
      expect((await send('{"size":[[[[[[1]]]]]]}')).json.message).toContain('嵌套过深（最多 5 层）')
      await new Promise((r) => setTimeout(r, 100))
      const lines = err.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>)
      expect(lines.filter((l) => l.reqId === unknown.id).map((l) => l.tag)).toEqual(['route', 'signature', 'error'])
    } finally {
      child.kill()
    }
  })

  it('is silent when off: nothing on stderr for good or bad requests', async () => {
    const { post } = await served()
    expect(await stderrOf(async () => (await post('{"size":2}'), await post('{"size":"x"}'), await post(nested(5000))))).toBe('')
  })
})

describe('our own bugs', () => {
  it('answer 500 in the envelope and are reported once with a stack, not once per request', async () => {
    const { mock, post } = await served()
    const world = mock.context.world
    mock.context.world = new Proxy(world, { get: (target, key) => (key === 'page' ? () => { throw new TypeError('a bug of ours') } : Reflect.get(target, key)) })
    try {
      const stderr = await stderrOf(async () => {
        for (let i = 0; i < 5; i++) expect(await post('{"size":2}')).toMatchObject({ status: 500, json: { code: 500, message: '服务器内部错误', data: null } })
      })
      expect(stderr.match(/internal error/g)).toHaveLength(1)
      expect(stderr).toContain('TypeError: a bug of ours')
    } finally {
      mock.context.world = world
    }
    expect((await post('{"size":2}')).json.code).toBe(0)
  })
})
