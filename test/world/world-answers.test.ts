/**
 * A generated world answers byte for byte as it did before the world's build changed (issue 15:
 * typed arrays, lazy and background index builds): the digest of every answer of a small world
 * (test/world/answers.ts) is pinned, computed from the build before that change.
 */
import { describe, expect, it } from 'vitest'
import { createMock } from '../../mock/index.js'
import { answersDigest } from './answers.js'

const NOW = () => Date.UTC(2026, 10, 1)

describe('world answers are pinned', () => {
  it('a small world (3,000 customers, 25 members) answers every endpoint as it did', async () => {
    const mock = await createMock({ seed: 'pinned', customers: 3000, staff: 25, now: NOW })
    await expect(`${await answersDigest(mock)}\n`).toMatchFileSnapshot('../golden/world-answers-3000.sha256')
  }, 60_000)

  it('so does a world with changes applied through the API and admin', async () => {
    const mock = await createMock({ seed: 'pinned', customers: 1200, staff: 9, now: NOW })
    const { changeWorld } = await import('./answers-changes.js')
    await changeWorld(mock)
    await expect(`${await answersDigest(mock)}\n`).toMatchFileSnapshot('../golden/world-answers-1200-changed.sha256')
  }, 60_000)
})
