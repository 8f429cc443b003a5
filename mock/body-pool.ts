/**
 * Buffers the standalone host reuses for answers made of pieces (a page of cached items): the
 * pieces are copied into a buffer that goes back to the pool once the answer has been written.
 * Copying into memory already touched costs a few µs for a 100 KB page; a fresh buffer per answer
 * (Buffer.concat) cost about ten times that in page faults and garbage collection
 * (decisions/0011-standalone-host-fast-path.md).
 */

/** Buffers kept for reuse at most: beyond that (many answers in flight at once) they are left to the GC. */
const KEPT = 64
/** The smallest buffer made: most pages fit, so buffers are not remade as sizes vary. */
const MIN_BYTES = 128 * 1024
/** Answers larger than this are concatenated once and not pooled (rare: a body limit's worth of search results). */
const MAX_BYTES = 8 * 1024 * 1024

export interface Filled {
  readonly bytes: Uint8Array
  /** Gives the buffer back: call once its bytes are written (never while a write may still read them). */
  readonly release: () => void
}

export class BodyPool {
  readonly #free: Buffer[] = []

  /** The pieces in one buffer, from the pool when they fit. */
  fill(chunks: readonly Uint8Array[]): Filled {
    let size = 0
    for (const chunk of chunks) size += chunk.byteLength
    if (size > MAX_BYTES) return { bytes: Buffer.concat(chunks), release: () => undefined }
    const buffer = this.#take(size)
    let offset = 0
    for (const chunk of chunks) {
      buffer.set(chunk, offset)
      offset += chunk.byteLength
    }
    let released = false
    return {
      bytes: buffer.subarray(0, size),
      release: () => {
        if (released) return
        released = true
        if (this.#free.length < KEPT) this.#free.push(buffer)
      },
    }
  }

  #take(size: number): Buffer {
    for (let i = this.#free.length - 1; i >= 0; i--) {
      const buffer = this.#free[i]!
      if (buffer.byteLength >= size) return (this.#free.splice(i, 1), buffer)
    }
    let capacity = MIN_BYTES
    while (capacity < size) capacity *= 2
    return Buffer.allocUnsafeSlow(capacity)
  }
}
