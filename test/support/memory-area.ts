// Node (unit tests of the background). An in-memory StorageArea (storage.session, the fallback
// area, or a stand-in for IndexedDB): values are structured-cloned in and out like the real ones.
import type { StorageArea } from '../../src/background/persist.ts'

export function memoryArea(): StorageArea & { data: Map<string, unknown> } {
  const data = new Map<string, unknown>()
  // All or nothing, like the IndexedDB transaction: clone every value before changing anything.
  const write: StorageArea['write'] = async ({ set = {}, remove = [] }) => {
    const cloned = Object.entries(set).map(([k, v]) => [k, structuredClone(v)] as const)
    for (const k of remove) data.delete(k)
    for (const [k, v] of cloned) data.set(k, v)
  }
  return {
    data,
    async get(keys) {
      const list = keys === null ? [...data.keys()] : Array.isArray(keys) ? keys : [keys]
      return Object.fromEntries(list.filter((k) => data.has(k)).map((k) => [k, structuredClone(data.get(k))]))
    },
    set: (items) => write({ set: items }),
    remove: (keys) => write({ remove: Array.isArray(keys) ? keys : [keys] }),
    write,
  }
}
