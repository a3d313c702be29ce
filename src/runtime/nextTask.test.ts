import { describe, expect, it } from 'vitest';
import { nextTask } from './nextTask';

describe('nextTask', () => {
  it('lets message events queued before it run first (a microtask would not)', async () => {
    const seen: string[] = [];
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = (e: MessageEvent<string>) => seen.push(e.data);
    port2.postMessage('cancel');
    expect(seen).toEqual([]);
    await nextTask();
    seen.push('after');
    expect(seen).toEqual(['cancel', 'after']);
    port1.close();
  });

});
