import net from 'node:net'

/**
 * A TCP proxy in front of a real server (the broker, Redis) whose connections a test can cut, and
 * which can stay down for a while: cut() destroys every open connection, both sides, as a network
 * failure would; while down, new connections are accepted and dropped at once. The server itself is
 * untouched, so no other test file is disturbed.
 */
export class CuttableProxy {
  private readonly server = net.createServer((client) => this.accept(client))
  private readonly sockets = new Set<net.Socket>()
  private downUntil = 0
  cuts = 0

  constructor(private readonly upstream: { readonly host: string; readonly port: number }) {}

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve))
    const address = this.server.address()
    if (address === null || typeof address === 'string') throw new Error('proxy has no port')
    return address.port
  }

  /** Destroys every open connection, both sides; new connections keep working. */
  cut(): void {
    this.cuts++
    for (const s of this.sockets) s.destroy()
    this.sockets.clear()
  }

  /** Cuts every connection and refuses new ones for `ms`. */
  down(ms: number): void {
    this.downUntil = Date.now() + ms
    this.cut()
  }

  get isDown(): boolean {
    return Date.now() < this.downUntil
  }

  async close(): Promise<void> {
    this.cut()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }

  private accept(client: net.Socket): void {
    if (this.isDown) {
      client.destroy()
      return
    }
    const upstream = net.connect(this.upstream)
    for (const s of [client, upstream]) {
      this.sockets.add(s)
      s.on('error', () => s.destroy())
      s.on('close', () => this.sockets.delete(s))
    }
    client.on('close', () => upstream.destroy())
    upstream.on('close', () => client.destroy())
    client.pipe(upstream)
    upstream.pipe(client)
  }
}
