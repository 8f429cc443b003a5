/**
 * customer/search and common/customer/info at scale: the first search (the index build) and a
 * search by mobile, name and customer id afterwards, per call, in-process.
 *
 *   node --import tsx bench/search.ts [customers]   (default 1,000,000)
 */
import { createMock } from '../mock/index.js'
import { customerInfo, customerSearch } from '../mock/endpoints/index.js'
import { mobilesOf } from '../mock/world/leads.js'

const customers = Number(process.argv[2] ?? 1_000_000)
let t = performance.now()
const mock = await createMock({ customers, seed: 'bench' })
console.log(`world of ${customers} customers built`.padEnd(44), (performance.now() - t).toFixed(0), 'ms')
const world = mock.context.world
const c = world.customer(customers >> 1)
const name = c.fields.find((f) => f.field === 'name')?.valueAsText ?? 'none'
const mobile = mobilesOf(c.fields)[0] ?? 'none'
t = performance.now()
customerSearch.handle(mock.context, { searchKey: mobile })
console.log('first search (builds the index)'.padEnd(44), (performance.now() - t).toFixed(0), 'ms')
const N = 2000
const time = (label: string, fn: () => unknown) => {
  for (let i = 0; i < 100; i++) fn()
  const start = performance.now()
  for (let i = 0; i < N; i++) fn()
  console.log(label.padEnd(44), (((performance.now() - start) / N) * 1000).toFixed(1), 'us')
}
time('customer/search by mobile', () => customerSearch.handle(mock.context, { searchKey: mobile }))
time('customer/search by name', () => customerSearch.handle(mock.context, { searchKey: name, pageSize: 20 }))
time('customer/search by customer id', () => customerSearch.handle(mock.context, { searchKey: String(c.customerId) }))
const nameField = String(world.catalog.fields.find((f) => f.outerField === 'name')!.id)
time('common/customer/info by name', () => customerInfo.handle(mock.context, { field: { fieldId: nameField, values: name } }))
