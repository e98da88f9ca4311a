import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { BlockCutter, DEFAULT_BATCH_CONFIG } from '../../src/orderer/blockcutter.js'
import type { BatchConfig } from '../../src/orderer/blockcutter.js'
import { isWeftError } from '../../src/shared/errors.js'

const config: BatchConfig = { maxMessageCount: 3, absoluteMaxBytes: 100, preferredMaxBytes: 30, batchTimeoutMs: 250 }
const msg = (name: string, size: number) => ({ message: name, size })

describe('BlockCutter (Fabric blockcutter.go receiver)', () => {
  it('cuts when MaxMessageCount is reached', () => {
    const c = new BlockCutter<string>(config)
    expect(c.ordered(msg('a', 1))).toEqual({ batches: [], pending: true })
    expect(c.ordered(msg('b', 1))).toEqual({ batches: [], pending: true })
    expect(c.ordered(msg('c', 1))).toEqual({ batches: [['a', 'b', 'c']], pending: false })
  })

  it('cuts the pending batch before a message that would exceed PreferredMaxBytes', () => {
    const c = new BlockCutter<string>(config)
    c.ordered(msg('a', 20))
    expect(c.ordered(msg('b', 20))).toEqual({ batches: [['a']], pending: true })
    expect(c.cut()).toEqual(['b'])
  })

  it('isolates a message larger than PreferredMaxBytes in its own batch, after cutting what is pending', () => {
    const c = new BlockCutter<string>(config)
    c.ordered(msg('a', 5))
    expect(c.ordered(msg('big', 31))).toEqual({ batches: [['a'], ['big']], pending: false })
    expect(c.ordered(msg('big2', 50))).toEqual({ batches: [['big2']], pending: false })
  })

  it('cut() on BatchTimeout returns what is pending, or nothing', () => {
    const c = new BlockCutter<string>(config)
    expect(c.cut()).toEqual([])
    c.ordered(msg('a', 1))
    expect(c.cut()).toEqual(['a'])
    expect(c.pendingCount).toBe(0)
  })

  it('keeps order and content, and respects both limits (property)', () => {
    fc.assert(fc.property(fc.array(fc.nat({ max: 60 }), { maxLength: 60 }), sizes => {
      const c = new BlockCutter<number>(config)
      const batches: number[][] = []
      sizes.forEach((size, i) => { batches.push(...c.ordered({ message: i, size }).batches) })
      const rest = c.cut()
      if (rest.length > 0) batches.push(rest)
      expect(batches.flat()).toEqual(sizes.map((_, i) => i))
      for (const batch of batches) {
        expect(batch.length).toBeGreaterThan(0)
        expect(batch.length).toBeLessThanOrEqual(config.maxMessageCount)
        const bytes = batch.reduce((n, i) => n + (sizes[i] as number), 0)
        if (batch.length > 1) expect(bytes).toBeLessThanOrEqual(config.preferredMaxBytes)
      }
    }))
  })

  it('validates its config with typed errors', () => {
    expect(() => new BlockCutter(DEFAULT_BATCH_CONFIG)).not.toThrow()
    expect(DEFAULT_BATCH_CONFIG.batchTimeoutMs).toBe(250)
    for (const bad of [{ maxMessageCount: 0 }, { preferredMaxBytes: 200 }, { batchTimeoutMs: 1.5 }]) {
      let error: unknown
      try { new BlockCutter({ ...config, ...bad }) } catch (err) { error = err }
      expect(isWeftError(error, 'ORDERER_INVALID_CONFIG'), JSON.stringify(bad)).toBe(true)
    }
    let error: unknown
    try { new BlockCutter<string>(config).ordered(msg('a', -1)) } catch (err) { error = err }
    expect(isWeftError(error, 'ORDERER_INVALID_ARGUMENT')).toBe(true)
  })
})
