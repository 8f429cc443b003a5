/** Scripted consumers for the diagnosis tests: signed calls (with a chosen mistake) through a fake's handlers. */
import { getResponse } from 'msw'
import type { Mock } from '../../mock/index.js'
import type { JournalEntry } from '../../mock/journal.js'

export const HOST = 'https://api.tanmarket.cn:20066'
export const NOW = 1_750_000_000_000
export const A = { appId: 'ww1111111111111111_TenA01', appKey: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }
export const B = { appId: 'ww2222222222222222_TenB01', appKey: 'BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB' }

export interface Answer {
  status: number
  headers: Record<string, string>
  text: string
  json: { code: number; message: string; data: any }
}

/** POSTs `body` with `headers` to `path` (an /api prefix added); answers the raw answer. */
export async function call(mock: Mock, path: string, body: string, headers: Record<string, string>): Promise<Answer> {
  const response = (await getResponse(mock.handlers, new Request(`${HOST}/api${path}`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } })))!
  const text = await response.text()
  const all: Record<string, string> = {}
  response.headers.forEach((value, name) => {
    if (name !== 'x-request-id') all[name] = value
  })
  return { status: response.status, headers: all, text, json: JSON.parse(text) }
}

/** The journal as `GET /__mock/requests` shows it. */
export async function journal(mock: Mock): Promise<JournalEntry[]> {
  const response = (await getResponse(mock.handlers, new Request(`${HOST}/__mock/requests`)))!
  return (await response.json()) as JournalEntry[]
}

/** The last journal entry's diagnosis. */
export async function lastDiagnosis(mock: Mock): Promise<string | undefined> {
  const entries = await journal(mock)
  return entries[entries.length - 1]!.diagnosis
}
