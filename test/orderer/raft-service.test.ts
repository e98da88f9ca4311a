import { describe, expect, it } from 'vitest'
import { DEFAULT_BATCH_CONFIG } from '../../src/orderer/blockcutter.js'
import type { EnvelopeFilter } from '../../src/orderer/chain.js'
import { RaftOrderingService } from '../../src/orderer/raft-service.js'
import { Status } from '../../src/protos/index.js'
import type { Block } from '../../src/protos/index.js'
import { CHANNEL, envelope, genesisBlock } from './chain-helpers.js'
import { FakeClock } from './fake-clock.js'

const text = new TextEncoder()

async function service (consenters: number, filters: EnvelopeFilter[] = []): Promise<{ service: RaftOrderingService, clock: FakeClock }> {
  const clock = new FakeClock()
  const created = await RaftOrderingService.create({
    consenters,
    channelId: CHANNEL,
    genesis: genesisBlock(),
    clock,
    seed: 3,
    batch: { ...DEFAULT_BATCH_CONFIG, maxMessageCount: 4 },
    signerFor: id => ({ serialize: () => text.encode(`orderer${id}`), sign: async () => new Uint8Array([id]) }),
    nonce: () => new Uint8Array(24),
    filters
  })
  return { service: created, clock }
}

const txOf = (block: Block): string[] => (block.data?.data ?? []).map(e => new TextDecoder().decode(e).match(/tx\d+/)?.[0] ?? '?')

describe('RaftOrderingService (the OrderingService createTestNetwork uses, on Raft)', () => {
  for (const consenters of [1, 3, 5]) {
    it(`broadcast waits for a leader, and every listener gets blocks 1.. in order (${consenters} consenter(s))`, async () => {
      const { service: s, clock } = await service(consenters)
      const a: Block[] = []
      const b: Block[] = []
      s.deliver(async block => { a.push(block) })
      s.deliver(async block => { b.push(block) })
      const first = s.broadcast(envelope('tx0')) // before any leader is elected: retried
      await clock.advance(3_000)
      await first
      for (let i = 1; i < 10; i++) await s.broadcast(envelope(`tx${i}`))
      await clock.advance(1_000)
      expect(a.map(x => x.header?.number)).toEqual(Array.from({ length: a.length }, (_, i) => i + 1))
      expect(a.flatMap(txOf)).toEqual(Array.from({ length: 10 }, (_, i) => `tx${i}`))
      expect(b.map(x => x.header?.number)).toEqual(a.map(x => x.header?.number))
      await s.close()
    })
  }

  it('a listener keeps receiving, without gaps or repeats, when the consenter it reads from stops', async () => {
    const { service: s, clock } = await service(3)
    await clock.advance(3_000)
    const got: number[] = []
    s.deliver(async block => { got.push(block.header?.number ?? -1) })
    for (let i = 0; i < 4; i++) await s.broadcast(envelope(`tx${i}`))
    await clock.advance(500)
    const leaderId = [...s.orderers.chains.entries()].find(([, c]) => c.isLeader)?.[0] as number
    await s.orderers.crash(leaderId)
    await clock.advance(3_000)
    for (let i = 4; i < 8; i++) await s.broadcast(envelope(`tx${i}`))
    await clock.advance(1_000)
    expect(got.length).toBeGreaterThanOrEqual(2)
    expect(got).toEqual(Array.from({ length: got.length }, (_, i) => i + 1))
    const height = Math.max(...[...s.orderers.chains.values()].map(c => c.height))
    expect(got.at(-1)).toBe(height - 1)
    await s.close()
  })

  it('a refused envelope throws with the Fabric status', async () => {
    const forbid: EnvelopeFilter = () => ({ status: Status.FORBIDDEN, info: 'no' })
    const { service: s, clock } = await service(1, [forbid])
    await clock.advance(3_000)
    await expect(s.broadcast(envelope('tx1'))).rejects.toMatchObject({ code: 'ORDERER_BROADCAST_REFUSED', message: /status 403/ })
    await s.close()
  })
})
