import type { MessageToProduce } from '@platformatic/kafka';

/** Messages a send takes at most (one request per leader broker); more wait for the next send. */
const SEND_BATCH = 16_384;
/**
 * Bytes a send takes at most: the client makes one record batch per partition of a send, and the
 * broker refuses batches over 'message.max.bytes' (1 MiB by default).
 */
const SEND_BYTES = 768 * 1024;

/**
 * Sends queued messages through one producer, one request at a time: the client numbers an
 * idempotent producer's batches when a send returns, so two sends in flight would reuse sequence
 * numbers. Messages go out at once when no send is in flight, else with the next one; drain() resolves once
 * everything queued before the call was acknowledged. The first failure sticks: every later
 * drain() rejects with it.
 */
export class MessageSender {
  private queue: MessageToProduce[] = [];
  private running: Promise<void> | null = null;
  private failure: unknown = null;

  constructor(private readonly send: (messages: MessageToProduce[]) => Promise<unknown>) {}

  get failed(): unknown {
    return this.failure;
  }

  get queued(): number {
    return this.queue.length;
  }

  push(messages: readonly MessageToProduce[]): void {
    for (const m of messages) this.queue.push(m);
    // Messages pushed while a send is in flight wait for it, so batches grow with the broker's latency.
    this.kick();
  }

  /** Sends everything queued; resolves when it is acknowledged. */
  drain(): Promise<void> {
    this.kick();
    return (this.running ?? Promise.resolve()).then(() => {
      if (this.failure) throw this.failure;
      if (this.queue.length > 0) return this.drain();
    });
  }

  private kick(): void {
    if (this.running || this.failure || this.queue.length === 0) return;
    this.running = this.loop().finally(() => (this.running = null));
  }

  private async loop(): Promise<void> {
    while (this.queue.length > 0 && !this.failure) {
      let n = 0;
      let bytes = 0;
      for (const q = this.queue; n < q.length && n < SEND_BATCH && (n === 0 || bytes + size(q[n]!) <= SEND_BYTES); n++) bytes += size(q[n]!);
      const batch = n === this.queue.length ? this.queue : this.queue.slice(0, n);
      this.queue = n === this.queue.length ? [] : this.queue.slice(n);
      try {
        await this.send(batch);
      } catch (e) {
        this.failure = e;
      }
    }
  }
}

/** A message's bytes in a record batch, roughly (key, value and per-record overhead). */
const size = (m: MessageToProduce): number => (m.value?.length ?? 0) + (m.key?.length ?? 0) + 16;
