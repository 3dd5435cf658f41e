// Runs everywhere (relay, background, tests). Pure helpers for "nothing lost, nothing silent":
// - RingBuffer: bounded FIFO that evicts the oldest item when full and returns it from push(), so
//   the owner can count it and record an explicit `dropped` marker instead of losing data silently;
// - SeqLanes: two such rings (lanes) of seq-numbered items sharing one list, read merged in seq
//   order; each lane is FIFO on its own, so the owner can evict from one lane before the other;
// - SeqDedupe: remembers, per page load, the highest per-load seq already accepted, so entries that
//   a relay resends after a reconnect (it cannot know whether the last batch arrived) are dropped.
// No browser API here; unit-tested in test/unit/buffer.test.ts.

export class RingBuffer<T> {
  private items: (T | undefined)[]
  private head = 0
  private size = 0

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be a positive integer, got ${capacity}`)
    this.items = new Array<T | undefined>(capacity)
  }

  get length(): number {
    return this.size
  }

  /** Appends; when full the oldest item is evicted and returned (the owner counts it). */
  push(item: T): T | undefined {
    let evicted: T | undefined
    if (this.size === this.capacity) {
      evicted = this.items[this.head]
      this.items[this.head] = item
      this.head = (this.head + 1) % this.capacity
    } else {
      this.items[(this.head + this.size) % this.capacity] = item
      this.size++
    }
    return evicted
  }

  /** The i-th oldest item (0 = oldest). */
  at(i: number): T | undefined {
    if (i < 0 || i >= this.size) return undefined
    return this.items[(this.head + i) % this.capacity]
  }

  peek(): T | undefined {
    return this.at(0)
  }

  shift(): T | undefined {
    if (this.size === 0) return undefined
    const item = this.items[this.head]
    this.items[this.head] = undefined
    this.head = (this.head + 1) % this.capacity
    this.size--
    return item
  }

  /** Removes items from the front while `pred` holds (e.g. everything acked); returns how many. */
  shiftWhile(pred: (item: T) => boolean): number {
    let n = 0
    while (this.size > 0 && pred(this.items[this.head] as T)) {
      this.shift()
      n++
    }
    return n
  }

  clear(): void {
    this.items = new Array<T | undefined>(this.capacity)
    this.head = 0
    this.size = 0
  }

  toArray(): T[] {
    return this.slice(0, this.size)
  }

  /** Items [start, end) in order, oldest first. */
  slice(start: number, end = this.size): T[] {
    const out: T[] = []
    const s = Math.max(0, start)
    const e = Math.min(this.size, end)
    for (let i = s; i < e; i++) out.push(this.items[(this.head + i) % this.capacity] as T)
    return out
  }

  /** Index of the first item for which `pred` holds, assuming it holds for a suffix (binary search). */
  lowerBound(pred: (item: T) => boolean): number {
    let lo = 0
    let hi = this.size
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (pred(this.items[(this.head + mid) % this.capacity] as T)) hi = mid
      else lo = mid + 1
    }
    return lo
  }
}

/**
 * Two FIFO lanes of items with a rising `seq`, read as one list in seq order (merged on read, so
 * push and shift stay O(1)). Each lane is in seq order on its own, hence "gone from lane i" is
 * exactly "seq below floor(i)": an owner that evicts from one lane first (TabStore: housekeeping
 * before the checked plugins) can still say with two numbers what it no longer has.
 */
export class SeqLanes<T extends { seq: number }> {
  private readonly lanes: RingBuffer<T>[]
  /** Per lane: every item of it with a lower seq is gone (evicted, shifted or cleared). */
  private readonly floors: number[]

  constructor(capacities: readonly number[]) {
    this.lanes = capacities.map((c) => new RingBuffer<T>(c))
    this.floors = capacities.map(() => 0)
  }

  get length(): number {
    let n = 0
    for (const l of this.lanes) n += l.length
    return n
  }

  laneLength(lane: number): number {
    return (this.lanes[lane] as RingBuffer<T>).length
  }

  /** Appends to a lane (seq above everything in it); a full lane evicts and returns its oldest. */
  push(lane: number, item: T): T | undefined {
    const evicted = (this.lanes[lane] as RingBuffer<T>).push(item)
    if (evicted !== undefined) this.floors[lane] = evicted.seq + 1
    return evicted
  }

  shift(lane: number): T | undefined {
    const item = (this.lanes[lane] as RingBuffer<T>).shift()
    if (item !== undefined) this.floors[lane] = item.seq + 1
    return item
  }

  /** Seq below which lane `lane` holds nothing any more. */
  floor(lane: number): number {
    return this.floors[lane] as number
  }

  /** Forgets everything below `floor` (the owner's next seq). */
  clear(floor = 0): void {
    for (let i = 0; i < this.lanes.length; i++) {
      ;(this.lanes[i] as RingBuffer<T>).clear()
      this.floors[i] = floor
    }
  }

  /** Restores the floors of a saved store (items below them are not pushed again). */
  setFloors(floors: readonly number[]): void {
    for (let i = 0; i < this.floors.length; i++) this.floors[i] = Math.max(this.floors[i] as number, floors[i] ?? 0)
  }

  toArray(): T[] {
    return this.since(-Infinity)
  }

  /** Items with afterSeq < seq <= upTo of every lane, in seq order. */
  since(afterSeq: number, upTo = Infinity): T[] {
    const parts = this.lanes.map((l) => {
      const from = l.lowerBound((e) => e.seq > afterSeq)
      const to = upTo === Infinity ? l.length : l.lowerBound((e) => e.seq > upTo)
      return l.slice(from, to)
    })
    return parts.reduce(mergeBySeq, [])
  }
}

function mergeBySeq<T extends { seq: number }>(a: T[], b: T[]): T[] {
  if (a.length === 0) return b
  if (b.length === 0) return a
  const out = new Array<T>(a.length + b.length)
  let i = 0
  let j = 0
  let k = 0
  while (i < a.length && j < b.length) out[k++] = (a[i] as T).seq < (b[j] as T).seq ? (a[i++] as T) : (b[j++] as T)
  while (i < a.length) out[k++] = a[i++] as T
  while (j < b.length) out[k++] = b[j++] as T
  return out
}

/**
 * Per page load, the highest seq accepted. A relay numbers its entries 0, 1, 2, ... and sends them
 * in order on one port, so "seq <= highest seen" means "already have it". Gaps are allowed: the relay
 * may have dropped entries on overflow, and reports those with its own `dropped` marker.
 * Bounded: only the most recent `maxLoads` page loads are remembered (an old page load never resends).
 */
export class SeqDedupe {
  private high = new Map<string, number>()

  constructor(readonly maxLoads = 500) {}

  /** True if (pageLoadId, seq) is new, and records it. */
  accept(pageLoadId: string, seq: number): boolean {
    const prev = this.high.get(pageLoadId)
    if (prev !== undefined && seq <= prev) return false
    // Re-insert to keep Map order = recency, then evict the least recently used page load.
    this.high.delete(pageLoadId)
    this.high.set(pageLoadId, seq)
    if (this.high.size > this.maxLoads) {
      const oldest = this.high.keys().next().value
      if (oldest !== undefined) this.high.delete(oldest)
    }
    return true
  }

  /** Highest seq accepted for a page load, or -1. */
  highest(pageLoadId: string): number {
    return this.high.get(pageLoadId) ?? -1
  }

  toJSON(): [string, number][] {
    return [...this.high]
  }

  static from(pairs: unknown, maxLoads?: number): SeqDedupe {
    const d = new SeqDedupe(maxLoads)
    if (Array.isArray(pairs)) {
      for (const p of pairs) {
        if (Array.isArray(p) && typeof p[0] === 'string' && typeof p[1] === 'number') d.high.set(p[0], p[1])
      }
    }
    return d
  }
}
