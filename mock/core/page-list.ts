/**
 * Page-number lists (`get-users`, `customer/search`; docs/upstream.md §7.1): a typed stub, on
 * purpose. Its implementation is to be drawn out of those two real lists when they are written,
 * not guessed from one (issue 11); until then this file only states the contract they share:
 *
 * - the request carries `pageNo` (1-based) and `pageSize`; their defaults, maximum and what an
 *   out-of-range value does are [choice]s that go in the fidelity table with a switch, as the
 *   cursor list's `size` rules do (mock/core/cursor-list.ts);
 * - the answer is `{totalPage, <items>}`, where the items' property is the endpoint's own
 *   (`data` for customer/search, `result` for get-users); `totalPage` = ceil(matches / pageSize),
 *   and a page after the last is empty, not an error;
 * - the matches come from an index, so a page costs O(log n + pageSize), not a scan (the bench
 *   measures customer/search by mobile at 1,000 and 1,000,000 customers).
 */

/** What a page-number request has (the endpoint's own filters besides). */
export interface PageListRequest {
  readonly pageNo?: number
  readonly pageSize?: number
}

/** The matches a page is read from, in the endpoint's order. */
export interface PageSource<Item> {
  /** How many items match. */
  readonly total: number
  /** Items [offset, offset + count) of the matches. */
  items(offset: number, count: number): readonly Item[]
}
