/**
 * The standalone server over real HTTP on 127.0.0.1: signing over the raw bytes, any prefix, and
 * every kind of bad input answered in the envelope while the server keeps serving.
 */
import { connect } from 'node:net'
import { request as httpRequest } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMock, startServer, type Mock, type RunningServer } from '../../mock/index.js'
import { computeSign } from '../../mock/protocol/signing.js'

const PATH = '/v3/customer-relation/list-by-relation-create-time-asc'
const NOW = 1_750_000_000_000

let mock: Mock
let server: RunningServer

beforeAll(async () => {
  mock = await createMock({ seed: 'http', customers: 300, staff: 6, now: () => NOW })
  server = await startServer(mock, { port: 0, host: '127.0.0.1' })
})
afterAll(() => server.close())

interface Envelope {
  code: number
  message: string
  data: { list: { customerId: number; qwUserId: string }[]; nextCursor: string | null } | null
}

async function post(body: string | Uint8Array, { path = `/api${PATH}`, headers = mock.sign(body, NOW) as Record<string, string>, method = 'POST' } = {}) {
  const response = await fetch(server.origin + path, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: method === 'GET' || method === 'HEAD' ? undefined : typeof body === 'string' ? body : new Blob([new Uint8Array(body)]),
  })
  const text = await response.text()
  return { status: response.status, type: response.headers.get('content-type'), text, json: JSON.parse(text) as Envelope }
}

const firstPage = () => post('{"size":5}')

describe('signed requests over HTTP', () => {
  it('answers a signed request with the envelope and a page', async () => {
    const r = await firstPage()
    expect(r.status).toBe(200)
    expect(r.type).toMatch(/^application\/json/)
    expect(r.json.code).toBe(0)
    expect(r.json.message).toBe('ok')
    expect(r.json.data!.list).toHaveLength(5)
    expect(r.json.data!.nextCursor).toMatch(/^[A-Za-z0-9+/]{32}$/)
  })

  it.each([
    ['compact JSON.stringify', '{"size":2,"type":1}'],
    ['Python json.dumps with ", " / ": " and \\u escapes', '{"size": 2, "type": 1, "note": "\\u5ba2\\u6237"}'],
    ['raw UTF-8 Chinese', '{"size": 2, "type": 1, "note": "客户"}'],
    ['pretty-printed with newlines', '{\n  "size": 2,\n  "type": 1\n}'],
  ])('accepts %s when signed over the bytes sent', async (_label, body) => {
    const r = await post(body)
    expect(r.json.code).toBe(0)
    expect(r.json.data!.list).toHaveLength(2)
  })

  it('accepts an empty body (signed with an empty body part) as all defaults', async () => {
    const r = await post('')
    expect(r.json.code).toBe(0)
    expect(r.json.data!.list).toHaveLength(20)
  })

  it('refuses a body changed after signing with 1002 and the upstream message', async () => {
    const r = await post('{"size":3}', { headers: mock.sign('{"size":2}', NOW) })
    expect(r.status).toBe(200)
    expect(r.json).toEqual({ code: 1002, message: '签名校验未通过', data: null })
  })

  it('refuses a stale or future timestamp with 1003, and honours the skew window both ways', async () => {
    const at = (offset: number) => post('{}', { headers: mock.sign('{}', NOW + offset) })
    for (const offset of [-300_000, 300_000, 0]) expect((await at(offset)).json.code).toBe(0)
    for (const offset of [-300_001, 300_001, -3_600_000]) {
      expect((await at(offset)).json).toEqual({ code: 1003, message: '请求时间与服务器时间相差过大，请校对时间后重新请求', data: null })
    }
  })

  it('accepts and ignores an appKey header, whatever it holds', async () => {
    for (const appKey of [mock.credentials.appKey, 'wrong-key']) {
      const r = await post('{}', { headers: { ...mock.sign('{}', NOW), appKey } })
      expect(r.json.code).toBe(0)
    }
  })

  it('refuses missing credentials and unknown appIds with 1002', async () => {
    const signed = mock.sign('{}', NOW)
    for (const drop of ['appId', 'timestamp', 'sign'] as const) {
      const headers: Record<string, string> = { ...signed }
      delete headers[drop]
      expect((await post('{}', { headers })).json.code).toBe(1002)
    }
    const stranger = 'ww0123456789abcdef_Other1'
    const sign = computeSign(stranger, signed.timestamp, '{}', mock.credentials.appKey)
    expect((await post('{}', { headers: { appId: stranger, timestamp: signed.timestamp, sign } })).json.code).toBe(1002)
    expect((await post('{}', { headers: { ...signed, timestamp: 'yesterday' } })).json.code).toBe(1003)
  })

  it('answers byte-identically to the in-process handlers (one definition, two hosts)', async () => {
    const { getResponse } = await import('msw')
    for (const body of ['{"size":5}', '{"size":0}', '{"qwUserId":"nobody"}']) {
      const inProcess = await getResponse(mock.handlers, new Request(`https://api.tanmarket.cn:20066/api${PATH}`, { method: 'POST', body, headers: mock.sign(body, NOW) }))
      expect((await post(body)).text).toBe(await inProcess!.text())
    }
  })

  it.each(['/api', '/apiServer/api', '', '/gateway/tanma/api'])('answers under the prefix %j', async (prefix) => {
    const r = await post('{"size":5}', { path: prefix + PATH })
    expect(r.json.code).toBe(0)
    expect(r.text).toBe((await firstPage()).text)
  })
})

describe('bad input never crashes the server or loses state', () => {
  it.each([
    ['malformed JSON', '{"size": 2', '请求体不是合法的 JSON'],
    ['a JSON array', '[1,2]', '请求体应为 JSON 对象'],
    ['a JSON string', '"size"', '请求体应为 JSON 对象'],
    ['JSON null', 'null', '请求体应为 JSON 对象'],
    ['a bad cursor', '{"cursor":"not-a-cursor"}', 'cursor'],
    ['a wrong type', '{"size":"twenty"}', 'size'],
  ])('%s → 40000 with what is wrong', async (_label, body, detail) => {
    const r = await post(body)
    expect(r.status).toBe(200)
    expect(r.json.code).toBe(40000)
    expect(r.json.message.startsWith('请求参数验证失败：')).toBe(true)
    expect(r.json.message).toContain(detail)
    expect(r.json.data).toBeNull()
  })

  it('invalid UTF-8 → 40000', async () => {
    const bytes = new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d])
    const r = await post(bytes, { headers: mock.sign(bytes, NOW) })
    expect(r.json.code).toBe(40000)
  })

  it('a body over 1 MiB → HTTP 413 in the envelope (declared length)', async () => {
    const body = JSON.stringify({ size: 1, pad: 'x'.repeat(1024 * 1024) })
    const r = await post(body)
    expect(r.status).toBe(413)
    expect(r.json).toMatchObject({ code: 413, data: null })
  })

  it('a chunked body over 1 MiB → 413 without reading it whole', async () => {
    const result = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(server.origin + `/api${PATH}`, { method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (res) => {
        let body = ''
        res.setEncoding('utf8').on('data', (c: string) => (body += c)).on('end', () => resolve({ status: res.statusCode!, body }))
      })
      req.on('error', reject)
      const chunk = 'x'.repeat(64 * 1024)
      let sent = 0
      const pump = () => {
        while (sent < 40) {
          sent++
          if (!req.write(chunk)) return void req.once('drain', pump)
        }
        req.end()
      }
      pump()
    })
    expect(result.status).toBe(413)
    expect(JSON.parse(result.body)).toMatchObject({ code: 413 })
  })

  it('unknown paths → 404 and wrong methods → 405, in the envelope', async () => {
    const unknown = await post('{}', { path: '/api/v3/customer/does-not-exist' })
    expect(unknown.status).toBe(404)
    expect(unknown.json).toEqual({ code: 404, message: '接口不存在：POST /api/v3/customer/does-not-exist', data: null })
    const root = await post('', { path: '/', method: 'GET' })
    expect(root.status).toBe(404)
    for (const method of ['GET', 'PUT', 'DELETE']) {
      const r = await post('{}', { method })
      expect(r.status).toBe(405)
      expect(r.json).toMatchObject({ code: 405, data: null })
    }
  })

  it('methods Fetch cannot represent (TRACE) → 405 in the envelope, not an internal error', async () => {
    const result = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(server.origin + `/api${PATH}`, { method: 'TRACE' }, (res) => {
        let body = ''
        res.setEncoding('utf8').on('data', (c: string) => (body += c)).on('end', () => resolve({ status: res.statusCode!, body }))
      })
      req.on('error', reject).end()
    })
    expect(result.status).toBe(405)
    expect(JSON.parse(result.body)).toMatchObject({ code: 405, data: null })
  })

  it('a client that disconnects mid-upload does not disturb the server, nor count as our error', async () => {
    const stderr: string[] = []
    const write = process.stderr.write.bind(process.stderr)
    process.stderr.write = ((chunk: string) => (stderr.push(String(chunk)), true)) as typeof process.stderr.write
    await new Promise<void>((resolve) => {
      const socket = connect(server.port, '127.0.0.1', () => {
        socket.write(`POST /api${PATH} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n{"size":`)
        setTimeout(() => socket.destroy(), 50)
      })
      socket.on('close', () => resolve()).on('error', () => resolve())
    })
    await new Promise((r) => setTimeout(r, 50))
    process.stderr.write = write
    expect(stderr.join('')).not.toContain('internal error')
    expect((await firstPage()).json.code).toBe(0)
  })

  it('a malformed HTTP request gets a 400 envelope', async () => {
    const text = await new Promise<string>((resolve, reject) => {
      const socket = connect(server.port, '127.0.0.1', () => socket.write('THIS IS NOT HTTP\r\n\r\n'))
      let data = ''
      socket.setEncoding('utf8').on('data', (c: string) => (data += c)).on('end', () => resolve(data)).on('error', reject)
    })
    expect(text).toMatch(/^HTTP\/1\.1 400/)
    expect(JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4))).toMatchObject({ code: 400, data: null })
  })

  /** Sends raw bytes and resolves with the status line and the body of the answer. */
  const rawRequest = (text: string) =>
    new Promise<{ statusLine: string; body: string }>((resolve, reject) => {
      const socket = connect(server.port, '127.0.0.1', () => socket.write(text))
      let data = ''
      socket.setEncoding('utf8').on('data', (c: string) => (data += c)).on('end', () => {
        const split = data.indexOf('\r\n\r\n')
        resolve({ statusLine: data.slice(0, data.indexOf('\r\n')), body: data.slice(split + 4) })
      }).on('error', reject)
    })

  it.each([
    ['//[', 404],
    ['//%zz', 404],
    ['//a:b@[::1', 404],
    ['//evil.example/__mock/reset', 404],
    ['/api/%zz%', 404],
    ['*', 400],
    ['example.com:443', 400],
    ['http://x/api/v3/nope', 404],
    ['/' + 'a'.repeat(12_000), 404],
    ['/' + 'a'.repeat(70_000), 400],
  ])('a malformed request target (%s) gets the envelope, not a stack trace', async (target, status) => {
    const stderr: string[] = []
    const write = process.stderr.write.bind(process.stderr)
    process.stderr.write = ((chunk: string) => (stderr.push(String(chunk)), true)) as typeof process.stderr.write
    try {
      const method = target === '//evil.example/__mock/reset' ? 'POST' : 'GET'
      const r = await rawRequest(`${method} ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`)
      expect(r.statusLine).toMatch(new RegExp(`^HTTP/1\\.1 ${status} `))
      expect(JSON.parse(r.body)).toMatchObject({ code: status, data: null })
      expect(r.body).not.toMatch(/<html|\bat .*\(|node:internal/)
    } finally {
      process.stderr.write = write
    }
    expect(stderr.join('')).not.toContain('internal error')
  })

  it('an absolute-form request target is served by its path', async () => {
    const body = '{"size":1}'
    const headers = Object.entries({ ...mock.sign(body, NOW), 'content-type': 'application/json', 'content-length': String(body.length), connection: 'close' }).map(([k, v]) => `${k}: ${v}\r\n`).join('')
    const r = await rawRequest(`POST http://somewhere.example/api${PATH} HTTP/1.1\r\nHost: somewhere.example\r\n${headers}\r\n${body}`)
    expect(r.statusLine).toBe('HTTP/1.1 200 OK')
    expect(JSON.parse(r.body)).toMatchObject({ code: 0 })
  })

  it('answers the very same first page after all of the above', async () => {
    const before = await firstPage()
    await post('{"size": 2')
    await post(JSON.stringify({ pad: 'x'.repeat(2 * 1024 * 1024) }))
    await post('{}', { path: '/nope' })
    expect((await firstPage()).text).toBe(before.text)
  })
})

describe('HTTP status switch', () => {
  it('--http-status always-200 answers unknown paths with HTTP 200 and code 404', async () => {
    const quiet = await createMock({ customers: 10, httpStatus: 'always-200' })
    const s = await startServer(quiet, { port: 0 })
    try {
      const response = await fetch(`${s.origin}/api/v3/nope`, { method: 'POST' })
      expect(response.status).toBe(200)
      expect(await response.json()).toMatchObject({ code: 404 })
    } finally {
      await s.close()
    }
  })
})
