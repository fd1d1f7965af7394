/**
 * Heartbeat (心跳): keep-alive and dead-peer detection with Ping/Pong (RFC 6455 §5.5.2, §5.5.3).
 *
 * Every `interval` ms a Ping goes out. A Ping still unanswered when the next one is due counts as
 * missed; `maxMissed` missed in a row declare the peer dead. Any Pong resets the count: §5.5.3 lets a
 * peer answer only the most recent Ping, and a Pong proves the peer reads what we send.
 *
 *   tick ──pong since last tick?──yes──▶ missed = 0, ping
 *     └──no──▶ missed + 1 ──< maxMissed──▶ ping
 *                    └──────≥ maxMissed──▶ dead (the connection terminates: close 1006)
 *
 * The timer is unref'd, so a heartbeat alone never keeps the process alive.
 */
import type { HeartbeatOptions } from "./options";

export interface HeartbeatHooks {
  /** Send a Ping. */
  ping(): void;
  /** The peer missed `missed` Pings in a row. */
  dead(missed: number): void;
}

export class Heartbeat {
  private readonly maxMissed: number;
  private readonly hooks: HeartbeatHooks;
  private readonly timer: NodeJS.Timeout;
  private awaitingPong = false;
  private missed = 0;

  constructor(options: Required<HeartbeatOptions>, hooks: HeartbeatHooks) {
    this.maxMissed = options.maxMissed;
    this.hooks = hooks;
    this.timer = setInterval(() => this.tick(), options.interval);
    this.timer.unref();
  }

  /** A Pong arrived: the peer is alive. */
  pong(): void {
    this.awaitingPong = false;
    this.missed = 0;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private tick(): void {
    if (this.awaitingPong && ++this.missed >= this.maxMissed) {
      this.stop();
      this.hooks.dead(this.missed);
      return;
    }
    this.awaitingPong = true;
    this.hooks.ping();
  }
}
