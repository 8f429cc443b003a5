// A Tanma push receiver in TypeScript (docs/pushes.md): node:http and tanma-mock/push, which verifies
// the headers, decrypts the body (noise kept exact), and answers 200 with the noise after onMessage.
//
//   npx tsx docs/examples/push-receiver.ts --port 3000
//   npx tanma-mock push register --address http://127.0.0.1:3000/push
//
// TANMA_APP_ID / TANMA_APP_KEY (/ TANMA_CORP_ID) give the credentials (default: the fake's demo pair).
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createPushReceiver, type ReceivedPush } from 'tanma-mock/push'

const credentials = {
  appId: process.env.TANMA_APP_ID || 'wwd3a0c0ffee5eed00_Demo01',
  appKey: process.env.TANMA_APP_KEY || 'tanmaMockDemoKey2026ForLocalTest',
  ...(process.env.TANMA_CORP_ID ? { corpId: process.env.TANMA_CORP_ID } : {}),
}
const at = process.argv.indexOf('--port')
const port = at > 0 ? Number(process.argv[at + 1]) : 3000

// A push can come more than once (retries, duplicates): handle each msgId once, acknowledge every time.
const handled = new Set<number>()
async function handle(message: ReceivedPush): Promise<void> {
  if (handled.has(message.msgId)) return
  // … your work here: look the ids in message.content up through the API, store, enqueue …
  console.log(`${message.type} msgId ${message.msgId} noise ${message.noiseText} ${JSON.stringify(message.content)}`)
  handled.add(message.msgId) // after the work: a throw above answers 500 and the push comes again
}

const server = createServer(createPushReceiver({ credentials, onMessage: handle, onError: (error, { status }) => console.error(`refused ${status}: ${error.message}`) }))
server.listen(port, '127.0.0.1', () => console.log(`listening http://127.0.0.1:${(server.address() as AddressInfo).port}/push`))
