// Unit tests of src/core/buffer.ts: the bounded ring buffer (counts what it evicts) and the
// per-page-load dedupe the background uses against relay resends, and two rings read as one (SeqLanes).
import { describe, expect, it } from 'vitest'
import { RingBuffer, SeqDedupe, SeqLanes } from '../../src/core/buffer.ts'

describe('RingBuffer', () => {
  it('keeps order and evicts the oldest when full, returning each evicted item', () => {
    const b = new RingBuffer<number>(3)
    const evicted = Array.from({ length: 5 }, (_, i) => b.push(i)).filter((x) => x !== undefined)
    expect(b.toArray()).toEqual([2, 3, 4])
    expect(b.length).toBe(3)
    expect(evicted).toEqual([0, 1]) // two evictions, the oldest first
    expect(b.push(5)).toBe(2) // returns the evicted item
  })

  it('shift, shiftWhile, at, slice, lowerBound across the wrap point', () => {
    const b = new RingBuffer<number>(4)
    for (let i = 0; i < 6; i++) b.push(i) // [2,3,4,5], head wrapped
    expect(b.at(0)).toBe(2)
    expect(b.at(3)).toBe(5)
    expect(b.at(4)).toBeUndefined()
    expect(b.slice(1, 3)).toEqual([3, 4])
    expect(b.lowerBound((x) => x > 3)).toBe(2)
    expect(b.lowerBound((x) => x > 99)).toBe(4)
    expect(b.shiftWhile((x) => x <= 3)).toBe(2)
    expect(b.toArray()).toEqual([4, 5])
    expect(b.shift()).toBe(4)
    b.clear()
    expect(b.length).toBe(0)
    expect(b.shift()).toBeUndefined()
  })

  it('rejects a capacity that is not a positive integer', () => {
    expect(() => new RingBuffer(0)).toThrow(RangeError)
    expect(() => new RingBuffer(1.5)).toThrow(RangeError)
  })
})

describe('SeqDedupe', () => {
  it('accepts each (pageLoadId, seq) once and tolerates gaps', () => {
    const d = new SeqDedupe()
    expect(d.accept('a', 0)).toBe(true)
    expect(d.accept('a', 1)).toBe(true)
    expect(d.accept('a', 1)).toBe(false) // resent after a reconnect
    expect(d.accept('a', 0)).toBe(false)
    expect(d.accept('a', 5)).toBe(true) // the relay dropped 2..4 and said so itself
    expect(d.accept('b', 0)).toBe(true) // another page load numbers from 0
    expect(d.highest('a')).toBe(5)
    expect(d.highest('zzz')).toBe(-1)
  })

  it('round-trips through JSON (persisted across worker restarts)', () => {
    const d = new SeqDedupe()
    d.accept('a', 3)
    const r = SeqDedupe.from(JSON.parse(JSON.stringify(d)))
    expect(r.accept('a', 3)).toBe(false)
    expect(r.accept('a', 4)).toBe(true)
    expect(SeqDedupe.from('garbage').highest('a')).toBe(-1)
  })

  it('remembers only the most recent page loads', () => {
    const d = new SeqDedupe(2)
    d.accept('a', 1)
    d.accept('b', 1)
    d.accept('a', 2) // a is now the most recent
    d.accept('c', 1) // evicts b
    expect(d.highest('b')).toBe(-1)
    expect(d.highest('a')).toBe(2)
  })
})

describe('SeqLanes', () => {
  it('two FIFO lanes read as one list in seq order; a floor per lane says exactly what is gone', () => {
    const l = new SeqLanes<{ seq: number }>([3, 4])
    const evicted = Array.from({ length: 10 }, (_, seq) => l.push(seq % 3 === 0 ? 0 : 1, { seq })?.seq)
    expect(evicted).toEqual([undefined, undefined, undefined, undefined, undefined, undefined, undefined, 1, 2, 0])
    // lane 0 got 0, 3, 6, 9 (capacity 3: 0 evicted); lane 1 got 1, 2, 4, 5, 7, 8 (capacity 4: 1, 2 evicted)
    expect(l.toArray().map((e) => e.seq)).toEqual([3, 4, 5, 6, 7, 8, 9])
    expect([l.floor(0), l.floor(1)]).toEqual([1, 3])
    expect(l.shift(1)).toEqual({ seq: 4 })
    expect([l.length, l.laneLength(0), l.laneLength(1), l.floor(1)]).toEqual([6, 3, 3, 5])
    expect(l.since(5).map((e) => e.seq)).toEqual([6, 7, 8, 9])
    expect(l.since(3, 7).map((e) => e.seq)).toEqual([5, 6, 7])
    l.clear(10)
    expect([l.length, l.floor(0), l.floor(1)]).toEqual([0, 10, 10])
    l.setFloors([4, 12])
    expect([l.floor(0), l.floor(1)]).toEqual([10, 12]) // never lowered
  })
})
