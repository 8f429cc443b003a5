/**
 * The limit: a bare node:http server that reads the body and writes the page's bytes, serialised
 * beforehand (the fake's own answers to the same requests): no signature, no routing, no parsing
 * beyond the lookup, no world. What one Node process can do at most for these pages; the fake is
 * measured against it.
 *
 *   node --import tsx bench/limit.ts <pages.json>   → prints the port
 */
import { readFileSync } from 'node:fs'
import { createServer } from 'node:http'

interface LimitData {
  /** The answer's text by request body, as sent. */
  readonly pages: Record<string, string>
}

const data = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as LimitData
const pages = new Map(Object.entries(data.pages).map(([body, text]) => [body, Buffer.from(text)]))
const none = Buffer.from('{"code":404,"message":"no such page"}')

const server = createServer((req, res) => {
  const chunks: Buffer[] = []
  req.on('data', (c: Buffer) => chunks.push(c))
  req.on('end', () => {
    const page = pages.get(Buffer.concat(chunks).toString('utf8')) ?? none
    res.writeHead(200, { 'content-type': 'application/json;charset=UTF-8', 'content-length': page.byteLength })
    res.end(page)
  })
})
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${(server.address() as { port: number }).port}\n`)
})
