/**
 * Serialised list items, cached per relation slot as UTF-8 bytes: a page is then a concatenation
 * of cached buffers, not a JSON.stringify of fresh objects. Bounded by bytes; the oldest entries
 * go first (a sweep reads each item once, so first-in-first-out is as good as LRU here and costs
 * one array read per hit). Items are kept in pages of 4,096 slots made on first use, so a deep page
 * of a 10M world does not grow one array to 14M entries that every major GC then marks; a page
 * whose last item goes is let go.
 */
const PAGE_BITS = 12
const PAGE_MASK = 2 ** PAGE_BITS - 1

export class ItemCache {
  /** Items by slot: page slot >> PAGE_BITS, then the slot's place in it. */
  #pages: ((Buffer | undefined)[] | undefined)[] = []
  /** Items held by page. */
  #held: number[] = []
  /** Slots in insertion order; `#head` is the oldest still queued. */
  #order: number[] = []
  #head = 0
  #bytes = 0

  constructor(readonly budgetBytes: number) {}

  get(slot: number): Buffer | undefined {
    return this.#pages[slot >>> PAGE_BITS]?.[slot & PAGE_MASK]
  }

  /** The page of `slot`, made when absent (pages are dense arrays: made whole, never grown past their end). */
  #page(slot: number): (Buffer | undefined)[] {
    const index = slot >>> PAGE_BITS
    // Grow the page table one by one: a write far past the end would turn it into a slow dictionary.
    while (this.#pages.length <= index) {
      this.#pages.push(undefined)
      this.#held.push(0)
    }
    return (this.#pages[index] ??= new Array<Buffer | undefined>(PAGE_MASK + 1).fill(undefined))
  }

  set(slot: number, item: Buffer): void {
    if (item.length > this.budgetBytes) return this.delete(slot) // never leave an older version behind
    const page = this.#page(slot)
    const previous = page[slot & PAGE_MASK]
    if (previous) this.#bytes -= previous.length
    else this.#held[slot >>> PAGE_BITS]!++
    page[slot & PAGE_MASK] = item
    this.#bytes += item.length
    this.#order.push(slot)
    while (this.#bytes > this.budgetBytes) this.delete(this.#order[this.#head++]!)
    if (this.#head > 65_536 && this.#head * 2 > this.#order.length) {
      this.#order = this.#order.slice(this.#head)
      this.#head = 0
    }
  }

  delete(slot: number): void {
    const page = this.#pages[slot >>> PAGE_BITS]
    const item = page?.[slot & PAGE_MASK]
    if (item) {
      this.#bytes -= item.length
      page![slot & PAGE_MASK] = undefined
      if (--this.#held[slot >>> PAGE_BITS]! === 0) this.#pages[slot >>> PAGE_BITS] = undefined
    }
  }

  /** Forgets every item (a change that shows in every record). */
  clear(): void {
    this.#pages = []
    this.#held = []
    this.#order = []
    this.#head = 0
    this.#bytes = 0
  }

  get bytes(): number {
    return this.#bytes
  }
}
