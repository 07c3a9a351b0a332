import { connect, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A loopback TCP proxy of the test's own in front of a shared server (PostgreSQL), so a test can cut the
 * dependency for the app under test (drop every connection, refuse new ones) and restore it, without ever
 * touching the shared server itself.
 */
export class TcpProxy {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  private cut = false;
  private requestDelayMs = 0;
  /** Delayed sends still to go; stop() drops them, so a long delay holds no test process open. */
  private readonly pending = new Set<NodeJS.Timeout>();
  port = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  /** A proxy for the host and port of a URL (`postgres://…@127.0.0.1:5432/db`). */
  static forUrl(url: string): TcpProxy {
    const parsed = new URL(url);
    return new TcpProxy(parsed.hostname, Number(parsed.port || 5432));
  }

  async start(): Promise<void> {
    // Half-open allowed: a client's closing waits for the server's, as it does on a direct connection.
    const server = createServer({ allowHalfOpen: true }, (client) => this.accept(client));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
  }

  /** The same URL, routed through this proxy. */
  route(url: string): string {
    const parsed = new URL(url);
    parsed.hostname = '127.0.0.1';
    parsed.port = String(this.port);
    return parsed.toString();
  }

  /** Destroys every open connection and resets new ones at once, as a dead network path would look. */
  cutAll(): void {
    this.cut = true;
    for (const socket of this.sockets) {
      socket.destroy();
    }
    this.sockets.clear();
  }

  restore(): void {
    this.cut = false;
  }

  /** From now on what clients send (their closing included) reaches the server this much later, in order. */
  delayRequests(ms: number): void {
    this.requestDelayMs = ms;
  }

  get openConnections(): number {
    return this.sockets.size;
  }

  async stop(): Promise<void> {
    // Sends the closing sockets ask for from here on go at once (to nowhere), not on a timer.
    this.requestDelayMs = 0;
    for (const timer of this.pending) {
      clearTimeout(timer);
    }
    this.pending.clear();
    this.cutAll();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private toServer(send: () => void): void {
    if (this.requestDelayMs === 0) {
      send();
      return;
    }
    const timer = setTimeout(() => {
      this.pending.delete(timer);
      send();
    }, this.requestDelayMs);
    this.pending.add(timer);
  }

  private accept(client: Socket): void {
    if (this.cut) {
      client.resetAndDestroy();
      return;
    }
    const upstream = connect(this.targetPort, this.targetHost);
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.on('data', (chunk) => this.toServer(() => upstream.write(chunk)));
    client.on('end', () => this.toServer(() => upstream.end()));
    upstream.pipe(client);
    client.on('close', () => this.toServer(() => upstream.destroy()));
    upstream.on('close', () => client.destroy());
  }
}
