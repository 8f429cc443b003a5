/**
 * Serialised list items, cached per relation slot as UTF-8 bytes: a page is then a concatenation
 * of cached buffers, not a JSON.stringify of fresh objects. Bounded by bytes; the oldest entries
 * go first (a sweep reads each item once, so first-in-first-out is as good as LRU here and costs
 * one array read per hit).
 */
export class ItemCache {
  readonly #items: (Buffer | undefined)[] = []
  /** Slots in insertion order; `#head` is the oldest still queued. */
  #order: number[] = []
  #head = 0
  #bytes = 0

  constructor(readonly budgetBytes: number) {}

  get(slot: number): Buffer | undefined {
    return this.#items[slot]
  }

  set(slot: number, item: Buffer): void {
    if (item.length > this.budgetBytes) return this.delete(slot) // never leave an older version behind
    // Grow one by one: a write far past the end would turn the array into a slow dictionary.
    while (this.#items.length <= slot) this.#items.push(undefined)
    const previous = this.#items[slot]
    if (previous) this.#bytes -= previous.length
    this.#items[slot] = item
    this.#bytes += item.length
    this.#order.push(slot)
    while (this.#bytes > this.budgetBytes) this.delete(this.#order[this.#head++]!)
    if (this.#head > 65_536 && this.#head * 2 > this.#order.length) {
      this.#order = this.#order.slice(this.#head)
      this.#head = 0
    }
  }

  delete(slot: number): void {
    const item = this.#items[slot]
    if (item) {
      this.#bytes -= item.length
      this.#items[slot] = undefined
    }
  }

  /** Forgets every item (a change that shows in every record). */
  clear(): void {
    this.#items.length = 0
    this.#order = []
    this.#head = 0
    this.#bytes = 0
  }

  get bytes(): number {
    return this.#bytes
  }
}
