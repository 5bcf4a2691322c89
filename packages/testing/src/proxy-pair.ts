import { connect, type Socket } from 'node:net';
import { type LaneCounters, type LaneFaults, ProxyLane } from './proxy-lane.js';

/** Where a pair connects its upstream side. */
export interface ProxyTarget {
  readonly host: string;
  readonly port: number;
}

/**
 * One accepted client socket and its upstream socket, joined by two lanes. Both sockets allow half-open
 * state so that a FIN travels through the proxy like any other byte, in order and with the same delay.
 */
export class ProxyPair {
  private readonly upstream: Socket;
  private readonly lanes: readonly ProxyLane[];
  /** Something (a FIN or a reset) happened while blackholed; it surfaces when the hole closes. */
  private lostWhileBlackholed = false;
  private closedSockets = 0;
  private torn = false;
  private gone = false;

  constructor(
    private readonly client: Socket,
    target: ProxyTarget,
    private readonly faults: LaneFaults,
    counters: LaneCounters,
    private readonly onGone: (pair: ProxyPair) => void,
  ) {
    this.upstream = connect({ host: target.host, port: target.port, allowHalfOpen: true });
    const markLost = () => {
      this.lostWhileBlackholed = true;
    };
    this.lanes = [
      new ProxyLane(client, this.upstream, faults, counters, markLost),
      new ProxyLane(this.upstream, client, faults, counters, markLost),
    ];
    for (const socket of [client, this.upstream]) {
      socket.setNoDelay(true);
      // Resets and refusals are normal in fault tests; they end the pair instead of crashing the process.
      socket.on('error', () => this.onSocketClosed(true));
      socket.on('close', (hadError: boolean) => {
        this.closedSockets += 1;
        this.onSocketClosed(hadError || !this.endedGracefully(socket));
      });
    }
  }

  /** Destroys both sockets at once (FIN to both peers) and drops delayed bytes. */
  destroy(): void {
    if (this.torn) return;
    this.torn = true;
    for (const lane of this.lanes) lane.dispose();
    this.client.destroy();
    this.upstream.destroy();
  }

  /** Called when a blackhole closes: a connection whose end was swallowed is now found dead. */
  blackholeLifted(): void {
    if (this.lostWhileBlackholed) this.destroy();
  }

  private endedGracefully(socket: Socket): boolean {
    const lane = socket === this.client ? this.lanes[0] : this.lanes[1];
    return lane?.sawEnd === true;
  }

  private onSocketClosed(abrupt: boolean): void {
    if (this.closedSockets >= 2) {
      this.destroy();
      if (!this.gone) this.onGone(this);
      this.gone = true;
      return;
    }
    if (!abrupt) return; // a graceful close: the other socket finishes its own half and closes by itself
    if (this.faults.blackholed) {
      this.lostWhileBlackholed = true; // a dead link carries no reset either
      return;
    }
    this.destroy();
  }
}
