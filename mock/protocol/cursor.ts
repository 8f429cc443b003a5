/**
 * The `nextCursor` codec (docs/upstream.md §3, derived from the documented cursor
 * `AAAAAGDAuaoAAAAALLJOeAAAAAADf7ZB`): standard base64 of 24 bytes, three big-endian int64s —
 * epoch seconds of the last item's relation creation, nanoseconds within that second, and the
 * relation id. A keyset position: the next page starts strictly after this key.
 */

/** A position in the (relation creation time, relation id) order. */
export interface RelationKey {
  readonly sec: number
  readonly nanos: number
  readonly id: number
}

const BYTES = 24
/** What a cursor looks like on the wire: 24 bytes in standard base64, 32 characters, no padding. */
export const CURSOR_PATTERN = /^[A-Za-z0-9+/]{32}$/

export function encodeCursor(key: RelationKey): string {
  const buf = Buffer.alloc(BYTES)
  buf.writeBigInt64BE(BigInt(key.sec), 0)
  buf.writeBigInt64BE(BigInt(key.nanos), 8)
  buf.writeBigInt64BE(BigInt(key.id), 16)
  return buf.toString('base64')
}

/** Why a cursor was refused, in the words of the validation message. */
export class CursorError extends Error {}

/** Decodes a cursor; throws CursorError when it is not one this codec wrote. */
export function decodeCursor(cursor: string): RelationKey {
  const buf = Buffer.from(cursor, 'base64')
  // Node's decoder skips junk characters silently: insist on the canonical encoding.
  if (buf.length !== BYTES || buf.toString('base64') !== cursor) {
    throw new CursorError('cursor 无法解析，请使用上一页返回的 nextCursor')
  }
  const sec = buf.readBigInt64BE(0)
  const nanos = buf.readBigInt64BE(8)
  const id = buf.readBigInt64BE(16)
  if (sec < 0n || sec > BigInt(Number.MAX_SAFE_INTEGER) || nanos < 0n || nanos >= 1_000_000_000n || id < 0n || id > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new CursorError('cursor 超出范围，请使用上一页返回的 nextCursor')
  }
  return { sec: Number(sec), nanos: Number(nanos), id: Number(id) }
}

/** Orders two keys: negative when a comes first. */
export function compareKeys(a: RelationKey, b: RelationKey): number {
  return a.sec - b.sec || a.nanos - b.nanos || a.id - b.id
}
