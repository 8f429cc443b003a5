/**
 * A test receiver of pushes: a real node:http server on 127.0.0.1 (port 0) that records every push
 * (headers, body, the decrypted message) and answers as the test says (default: HTTP 200 with the
 * noise's digits, an acknowledgement).
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { decryptPushBody, parsePushMessage, pushHeadersProblem, type PushCredentials, type ReceivedPush } from '../../mock/push/crypto.js'

export interface Received {
  readonly path: string
  readonly headers: IncomingHttpHeaders
  readonly body: string
  /** Null when the body did not decrypt to a message with these credentials. */
  readonly message: ReceivedPush | null
  /** pushHeadersProblem with the receiver's credentials: null when the signature verifies. */
  readonly problem: string | null
}

/** What to answer: a status and a body, `hang` (never answer), or `reset` (destroy the socket). */
export type Behaviour = { readonly status?: number; readonly body?: string } | 'hang' | 'reset'

export interface Receiver {
  readonly url: string
  readonly port: number
  readonly received: Received[]
  /** The decrypted messages, in arrival order. */
  messages(): ReceivedPush[]
  close(): Promise<void>
}

/** Acknowledges by default; `answer` decides per push (k: its arrival index). */
export async function startReceiver(credentials: PushCredentials, answer: (message: ReceivedPush | null, k: number) => Behaviour = ack, port = 0): Promise<Receiver> {
  const received: Received[] = []
  const hanging = new Set<import('node:http').ServerResponse>()
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (c: Buffer) => chunks.push(c))
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8')
      let message: ReceivedPush | null = null
      try {
        message = parsePushMessage(decryptPushBody(body, credentials))
      } catch {
        message = null
      }
      const k = received.length
      received.push({ path: request.url ?? '', headers: request.headers, body, message, problem: pushHeadersProblem(request.headers as Record<string, string>, credentials) })
      const behaviour = answer(message, k)
      if (behaviour === 'hang') return void hanging.add(response)
      if (behaviour === 'reset') return void request.socket.destroy()
      response.writeHead(behaviour.status ?? 200, { 'content-type': 'text/plain' }).end(behaviour.body ?? '')
    })
  })
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', () => resolve()))
  const actual = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${actual}/push`,
    port: actual,
    received,
    messages: () => received.map((r) => r.message!).filter(Boolean),
    close: () =>
      new Promise<void>((resolve) => {
        for (const response of hanging) response.destroy()
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/** The acknowledgement: the noise's own digits. */
export const ack = (message: ReceivedPush | null): Behaviour => ({ status: 200, body: message ? message.noiseText : '' })
