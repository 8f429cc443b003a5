/**
 * World snapshots (issue 15): a generated world written to a snapshot file and served from it answers
 * every endpoint and the admin export byte for byte as the generated world does, before and after the
 * same changes; a changed world, a fixture world, and a wrong, truncated or corrupted file are clear errors.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createMock } from '../../mock/index.js'
import { SNAPSHOT_VERSION, SnapshotError, readSnapshot, worldFromSnapshot, writeSnapshot } from '../../mock/world/snapshot.js'
import { SnapshotRefused, World } from '../../mock/world/world.js'
import { listByRelationCreateTimeAsc } from '../../mock/endpoints/index.js'
import { send } from '../endpoints/support.js'
import { changeWorld } from './answers-changes.js'
import { worldAnswers } from './answers.js'

const dir = mkdtempSync(join(tmpdir(), 'tanma-snapshot-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const now = () => Date.UTC(2026, 10, 1)

describe('world snapshots', () => {
  it('a snapshot of a generated world serves every answer as the world does, before and after the same changes', async () => {
    const options = { seed: 'snap', customers: 1500, staff: 11, from: '2021-03-01 00:00:00', until: '2026-10-01 00:00:00' }
    const generated = await createMock({ ...options, now })
    const file = join(dir, 'world.snapshot')
    writeSnapshot(generated.context.world, file, 'test')
    // The snapshot's own options win: the seed and size given beside it are not used.
    const served = await createMock({ snapshot: file, seed: 'other', customers: 3, now })
    expect(served.context.world.customerCount).toBe(1500)
    expect(await worldAnswers(served)).toEqual(await worldAnswers(generated))
    await changeWorld(generated)
    await changeWorld(served)
    expect(await worldAnswers(served)).toEqual(await worldAnswers(generated))
    // Reset goes back to the snapshot's world.
    await served.admin.reset()
    expect(served.context.world.customerCount).toBe(1500)
    expect(served.context.world.relationCount).toBe((await World.build(options)).relationCount)
  }, 120_000)

  it('faults drawn at random follow the snapshot\'s seed, as they follow the generated world\'s', async () => {
    const faults = [{ kind: 'error', code: -1, message: '系统繁忙', probability: 0.4 }]
    const generated = await createMock({ seed: 'snap-faults', customers: 300, now, faults })
    const file = join(dir, 'faults.snapshot')
    writeSnapshot(generated.context.world, file, 'test')
    const served = await createMock({ snapshot: file, now, faults })
    const answers = async (mock: typeof generated) => {
      const out: string[] = []
      for (let k = 0; k < 40; k++) out.push((await send(mock, listByRelationCreateTimeAsc.path, JSON.stringify({ size: 2 + (k % 3) }))).text)
      return out
    }
    const expected = await answers(generated)
    expect(expected.some((text) => text.includes('系统繁忙'))).toBe(true)
    expect(await answers(served)).toEqual(expected)
  })

  it('refuses a changed world and a fixture world, naming the format that keeps them', async () => {
    const mock = await createMock({ seed: 'snap', customers: 50, now })
    mock.admin.addCustomer({ followers: [{ qwUserId: mock.context.world.memberList[0]!.qwUserId }] })
    expect(() => writeSnapshot(mock.context.world, join(dir, 'changed.snapshot'), 'test')).toThrow(SnapshotRefused)
    expect(() => writeSnapshot(mock.context.world, join(dir, 'changed.snapshot'), 'test')).toThrow(/has changes.*NDJSON/)
    const fixture = await World.fromFixture(mock.admin.exportWorld())
    expect(() => writeSnapshot(fixture, join(dir, 'fixture.snapshot'), 'test')).toThrow(/fixture.*NDJSON/)
  })

  it('a file that is not a snapshot, of another version, truncated or corrupted is a SnapshotError saying which', async () => {
    const mock = await createMock({ seed: 'snap', customers: 200, now })
    const file = join(dir, 'small.snapshot')
    writeSnapshot(mock.context.world, file, 'test')
    const good = readFileSync(file)
    const reject = (bytes: Buffer) => worldFromSnapshot(bytes, 'x.snapshot')
    await expect(reject(Buffer.from('{"version":1}'))).rejects.toThrow(/x\.snapshot: not a tanma-mock world snapshot/)
    const otherVersion = Buffer.from(good)
    otherVersion.writeUInt32LE(SNAPSHOT_VERSION + 1, 8)
    await expect(reject(otherVersion)).rejects.toThrow(new RegExp(`version ${SNAPSHOT_VERSION + 1}; this tanma-mock reads version ${SNAPSHOT_VERSION}`))
    for (const length of [10, 40, good.length - 8, good.length - 1]) await expect(reject(good.subarray(0, length))).rejects.toThrow(SnapshotError)
    await expect(reject(good.subarray(0, good.length - 8))).rejects.toThrow(/truncated/)
    const flipped = Buffer.from(good)
    flipped[flipped.length - 100]! ^= 1
    await expect(reject(flipped)).rejects.toThrow(/corrupted: its sections do not match their checksum/)
    const badHeader = Buffer.from(good)
    badHeader[17] = 0x00
    await expect(reject(badHeader)).rejects.toThrow(/corrupted/)
    await expect(readSnapshot(join(dir, 'missing.snapshot'))).rejects.toThrow(/cannot read snapshot .*missing\.snapshot/)
    writeFileSync(join(dir, 'again.snapshot'), good)
    expect((await readSnapshot(join(dir, 'again.snapshot'))).customerCount).toBe(200)
  })
})
