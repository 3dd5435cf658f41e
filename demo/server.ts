// Static server for the demo page (demo/), Node builtins only.
// `npx tsx demo/server.ts` (or `npm run demo`) prints the URL and keeps serving.
// The e2e tests import startDemoServer({ port: 0 }) for a random free port.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { readFile, stat } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

export const DEMO_ROOT = path.dirname(fileURLToPath(import.meta.url))
export const DEFAULT_PORT = 5178

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
}
// Served file types only: the server's own TypeScript source is not part of the page.
const SERVED = new Set(['.html', '.js', '.css', '.json', '.svg', '.png', '.ico', '.md', '.txt'])

export interface DemoServerOptions {
  /** 0 = a random free port; default: env PORT, else 5178 */
  port?: number
  /** default 127.0.0.1 */
  host?: string
}

export interface DemoServer {
  url: string
  close(): Promise<void>
}

function send(res: ServerResponse, status: number, body: string, type = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, {
    'Content-Type': type,
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    'Content-Length': Buffer.byteLength(body),
  })
  res.end(body)
}

/** Map a request path to a file inside root, or null when it would leave root. */
export function resolveDemoPath(root: string, rawUrl: string): string | null {
  let pathname: string
  try {
    pathname = decodeURIComponent(new URL(rawUrl, 'http://demo.invalid').pathname)
  } catch {
    return null
  }
  if (pathname.includes('\0')) return null
  if (pathname.endsWith('/')) pathname += 'index.html'
  const file = path.resolve(root, '.' + path.posix.normalize('/' + pathname))
  const rootWithSep = root.endsWith(path.sep) ? root : root + path.sep
  if (!file.startsWith(rootWithSep)) return null
  return file
}

async function handle(root: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD')
    send(res, 405, 'Method Not Allowed')
    return
  }
  const file = resolveDemoPath(root, req.url ?? '/')
  if (!file) { send(res, 403, 'Forbidden'); return }
  const ext = path.extname(file).toLowerCase()
  if (!SERVED.has(ext) || path.basename(file).startsWith('.')) { send(res, 404, 'Not Found'); return }
  try {
    const info = await stat(file)
    if (!info.isFile()) { send(res, 404, 'Not Found'); return }
    const body = await readFile(file)
    res.writeHead(200, {
      'Content-Type': TYPES[ext] ?? 'application/octet-stream',
      'Content-Length': body.length,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    })
    res.end(req.method === 'HEAD' ? undefined : body)
  } catch {
    send(res, 404, 'Not Found')
  }
}

export function startDemoServer(options: DemoServerOptions = {}): Promise<DemoServer> {
  const host = options.host ?? '127.0.0.1'
  const envPort = process.env.PORT !== undefined && process.env.PORT !== '' ? Number(process.env.PORT) : undefined
  const port = options.port ?? (envPort !== undefined && Number.isInteger(envPort) && envPort >= 0 ? envPort : DEFAULT_PORT)
  const root = DEMO_ROOT
  const server = createServer((req, res) => {
    handle(root, req, res).catch(() => {
      if (!res.headersSent) send(res, 500, 'Internal Server Error')
      else res.destroy()
    })
  })
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      const addr = server.address()
      const actual = typeof addr === 'object' && addr ? addr.port : port
      const shownHost = host.includes(':') ? `[${host}]` : host
      resolve({
        url: `http://${shownHost}:${actual}/`,
        close: () => new Promise<void>((done, fail) => {
          server.closeAllConnections?.()
          server.close((err) => (err ? fail(err) : done()))
        }),
      })
    })
  })
}

const runDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href
if (runDirectly) {
  startDemoServer().then(
    ({ url }) => { console.log(`Demo page: ${url}`) },
    (err: unknown) => { console.error(`Demo server failed to start: ${err instanceof Error ? err.message : String(err)}`); process.exitCode = 1 },
  )
}
