/**
 * A min-heap of events ordered by (time, sequence): events at the same virtual time run in the
 * order they were scheduled, so a seed replays exactly.
 */
export class EventQueue<T> {
  private readonly heap: Array<{ time: number, seq: number, value: T }> = []
  private seq = 0

  get size (): number {
    return this.heap.length
  }

  push (time: number, value: T): void {
    const heap = this.heap
    heap.push({ time, seq: this.seq++, value })
    let i = heap.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!this.less(i, parent)) break
      this.swap(i, parent)
      i = parent
    }
  }

  peekTime (): number | undefined {
    return this.heap[0]?.time
  }

  pop (): { time: number, value: T } | undefined {
    const heap = this.heap
    const top = heap[0]
    if (top === undefined) return undefined
    const last = heap.pop()
    if (heap.length > 0 && last !== undefined) {
      heap[0] = last
      let i = 0
      for (;;) {
        const l = 2 * i + 1
        const r = l + 1
        let smallest = i
        if (l < heap.length && this.less(l, smallest)) smallest = l
        if (r < heap.length && this.less(r, smallest)) smallest = r
        if (smallest === i) break
        this.swap(i, smallest)
        i = smallest
      }
    }
    return { time: top.time, value: top.value }
  }

  private less (a: number, b: number): boolean {
    const x = this.heap[a]
    const y = this.heap[b]
    if (x === undefined || y === undefined) return false
    return x.time < y.time || (x.time === y.time && x.seq < y.seq)
  }

  private swap (a: number, b: number): void {
    const heap = this.heap
    const t = heap[a]
    const u = heap[b]
    if (t === undefined || u === undefined) return
    heap[a] = u
    heap[b] = t
  }
}
