// Node (end-to-end tests). Reads the pixels of a PNG screenshot (8-bit RGB or RGBA, not interlaced:
// what Chromium and Firefox write), to check that something is drawn where the DOM says it is.
import { readFileSync } from 'node:fs'
import { inflateSync } from 'node:zlib'

export interface Pixels {
  width: number
  height: number
  /** [r, g, b] of the pixel at x, y. */
  at(x: number, y: number): [number, number, number]
}

export function readPng(path: string): Pixels {
  const buf = readFileSync(path)
  let pos = 8
  let width = 0
  let height = 0
  let channels = 0
  const data: Buffer[] = []
  while (pos < buf.length) {
    const len = buf.readUInt32BE(pos)
    const type = buf.toString('latin1', pos + 4, pos + 8)
    const body = buf.subarray(pos + 8, pos + 8 + len)
    if (type === 'IHDR') {
      width = body.readUInt32BE(0)
      height = body.readUInt32BE(4)
      if (body[8] !== 8 || body[12] !== 0 || (body[9] !== 2 && body[9] !== 6)) throw new Error(`unsupported PNG: depth ${body[8]}, colour type ${body[9]}, interlace ${body[12]}`)
      channels = body[9] === 6 ? 4 : 3
    } else if (type === 'IDAT') data.push(body)
    pos += 12 + len
  }
  const raw = inflateSync(Buffer.concat(data))
  const stride = width * channels
  const out = Buffer.alloc(stride * height)
  // Undo each row's filter (PNG spec, 9.2): none, sub, up, average, Paeth.
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!
    for (let i = 0; i < stride; i++) {
      const x = raw[y * (stride + 1) + 1 + i]!
      const a = i >= channels ? out[y * stride + i - channels]! : 0
      const b = y > 0 ? out[(y - 1) * stride + i]! : 0
      const c = y > 0 && i >= channels ? out[(y - 1) * stride + i - channels]! : 0
      const p = a + b - c
      const paeth = Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c
      const pred = filter === 1 ? a : filter === 2 ? b : filter === 3 ? (a + b) >> 1 : filter === 4 ? paeth : 0
      out[y * stride + i] = (x + pred) & 0xff
    }
  }
  return { width, height, at: (x, y) => { const o = y * stride + x * channels; return [out[o]!, out[o + 1]!, out[o + 2]!] } }
}
