import type { Redis } from 'ioredis';
import { WebSocket } from 'ws';
import { mayReceive } from './event-audience.ts';
import { compareStreamIds, toLiveEvent, type LiveEvent } from './live-event.ts';
import { liveEventFor } from './live-event-privacy.ts';
import type { LiveSubscriber } from './live-subscriber.ts';
import { textFrame } from './text-frame.ts';

/** A live event's two possible encodings, each built at most once per event. */
export interface Frames {
  full?: Buffer;
  masked?: Buffer;
}

/**
 * Who gets which event, when and how: held while a credential is being
 * re-checked, filtered by audience, queued behind a catch-up, masked for
 * subscribers without personal data, each sent once and in stream order,
 * and a subscriber too far behind disconnected.
 */
export class LiveDelivery {
  constructor(
    private readonly o: {
      /** A subscriber this far behind is disconnected; it reconnects with its last id. */
      readonly maxBufferedBytes: number;
      /** Shared commands connection, for catch-up reads (XRANGE). */
      readonly redis: Redis;
      readonly streamKey: string;
    },
  ) {}

  /** One live event to one subscriber; `frames` is shared by every subscriber of the event. */
  deliver(subscriber: LiveSubscriber, event: LiveEvent, frames: Frames = {}): void {
    if (subscriber.held !== undefined) {
      subscriber.held.push(event);
      return;
    }
    if (!mayReceive(subscriber, event)) return;
    if (subscriber.pending !== undefined) {
      subscriber.pending.push(event);
      return;
    }
    const frame = subscriber.mask.full
      ? (frames.full ??= serialise(event))
      : (frames.masked ??= serialise(liveEventFor(event, subscriber.mask)));
    this.send(subscriber, event, frame);
  }

  /** The events held during a credential check, delivered with the access it left. */
  release(subscriber: LiveSubscriber): void {
    const held = subscriber.held ?? [];
    subscriber.held = undefined;
    for (const event of held) this.deliver(subscriber, event);
  }

  /** Replays missed events with XRANGE pages, then what arrived meanwhile, skipping repeats. */
  async catchUp(subscriber: LiveSubscriber, from: string): Promise<void> {
    let cursor = from;
    for (;;) {
      const page = await this.o.redis.xrange(this.o.streamKey, `(${cursor}`, '+', 'COUNT', 1000);
      // A credential check under way decides what this page may carry.
      await subscriber.recheck;
      for (const [id, fields] of page) {
        const event = toLiveEvent(id, fields);
        if (mayReceive(subscriber, event))
          this.send(subscriber, event, serialiseFor(subscriber, event));
        cursor = id;
      }
      if (page.length < 1000) break;
    }
    // Events of a page are skipped by the cursor too, even when filtered out.
    if (compareStreamIds(cursor, subscriber.lastSentId) > 0) subscriber.lastSentId = cursor;
    const pending = subscriber.pending ?? [];
    subscriber.pending = undefined;
    for (const event of pending) this.send(subscriber, event, serialiseFor(subscriber, event));
    subscriber.socket.send(JSON.stringify({ kind: 'ready', lastEventId: subscriber.lastSentId }));
  }

  /** `frame` is the event's text frame, built once per event and shared by every subscriber. */
  private send(subscriber: LiveSubscriber, event: LiveEvent, frame: Buffer): void {
    if (compareStreamIds(event.id, subscriber.lastSentId) <= 0) return;
    subscriber.lastSentId = event.id;
    // Closing or closed: nothing may follow ws's close frame.
    if (subscriber.socket.readyState !== WebSocket.OPEN) return;
    if (subscriber.connection.writableLength > this.o.maxBufferedBytes) {
      subscriber.socket.close(1013, 'too far behind; reconnect with lastEventId');
      return;
    }
    subscriber.connection.write(frame);
  }
}

function serialiseFor(subscriber: LiveSubscriber, event: LiveEvent): Buffer {
  return serialise(liveEventFor(event, subscriber.mask));
}

/** The event's JSON as one text frame: encoded once, then written to every socket. */
function serialise(event: LiveEvent): Buffer {
  return textFrame(
    Buffer.from(
      JSON.stringify({
        kind: 'event',
        id: event.id,
        type: event.type,
        topic: event.topic,
        data: event.data,
      }),
    ),
  );
}
