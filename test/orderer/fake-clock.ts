import type { Clock } from '../../src/shared/clock.js'

/** Virtual time: timers fire only when the test advances the clock, 10 ms at a time. */
export class FakeClock implements Clock {
  private ms = 0
  private timers: Array<{ at: number, fn: () => void, handle: number }> = []
  private nextHandle = 1

  now (): number { return this.ms }

  setTimeout (fn: () => void, ms: number): unknown {
    const handle = this.nextHandle++
    this.timers.push({ at: this.ms + ms, fn, handle })
    return handle
  }

  clearTimeout (handle: unknown): void {
    this.timers = this.timers.filter(t => t.handle !== handle)
  }

  async advance (ms: number): Promise<void> {
    for (let i = 0; i < ms; i += 10) {
      this.ms += 10
      const due = this.timers.filter(t => t.at <= this.ms)
      this.timers = this.timers.filter(t => t.at > this.ms)
      for (const t of due) t.fn()
      await new Promise(resolve => setImmediate(resolve)) // let async persistence and delivery run
    }
  }
}
