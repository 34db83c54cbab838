import { Injectable } from '@nestjs/common';
import { EventEmitter } from 'node:events';

/**
 * Tells the notifier that the outbox has new rows, right after a commit, so delivery does not wait for
 * the next poll. Only a hint: the outbox table is the source of truth and is polled anyway, so a lost
 * signal (or a crash) delays a notification, never loses it.
 */
@Injectable()
export class OutboxSignal {
  private readonly emitter = new EventEmitter();

  notify(): void {
    this.emitter.emit('outbox');
  }

  subscribe(listener: () => void): () => void {
    this.emitter.on('outbox', listener);
    return () => this.emitter.off('outbox', listener);
  }
}
