/**
 * The floor: a bare node:http server that parses the body, slices the same items and
 * JSON.stringifies them — no signature, no routing, no world. What "as fast as Node can serialise"
 * means; the fake is measured against it.
 *
 *   node --import tsx bench/floor.ts <items.json>   → prints the port
 */
import { readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { keyOf } from './floor-key.js'

interface FloorData {
  /** Items by request key (see keyOf), in page order. */
  readonly items: Record<string, unknown[]>
}


const data = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as FloorData

const server = createServer((req, res) => {
  const chunks: Buffer[] = []
  req.on('data', (c: Buffer) => chunks.push(c))
  req.on('end', () => {
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>
    const items = data.items[keyOf(body)] ?? []
    const list = items.slice(0, typeof body.size === 'number' ? body.size : 20)
    const text = JSON.stringify({ code: 0, message: 'ok', data: { list, nextCursor: 'AAAAAGDAuaoAAAAALLJOeAAAAAADf7ZB' } })
    res.writeHead(200, { 'content-type': 'application/json;charset=UTF-8' })
    res.end(text)
  })
})
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${(server.address() as { port: number }).port}\n`)
})
