import { describe, expect, it } from '@jest/globals';
import { MemoryLogger } from './logger.js';
import { byteProgress, formatSeconds, type StreamProgress, streamProgress } from './progress.js';

function fakeClock() {
  let now = 0;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('byteProgress', () => {
  it('logs at most one line per interval, however many updates come', () => {
    const logger = new MemoryLogger();
    const clock = fakeClock();
    const progress = byteProgress(logger, 'verify', 4096, { intervalMs: 1000, now: clock.now });
    for (let i = 1; i <= 100; i++) {
      clock.advance(25); // 40 updates per second
      progress.update(i * 40);
    }
    // 2.5 s of updates: lines at 1 s and 2 s only
    expect(logger.lines).toEqual([
      'verify: 1.6 KiB / 4.0 KiB (39%), 1.6 KiB/s',
      'verify: 3.1 KiB / 4.0 KiB (78%), 1.6 KiB/s',
    ]);
  });

  it('takes a total learnt later, and logs a final done line', () => {
    const logger = new MemoryLogger();
    const clock = fakeClock();
    const progress = byteProgress(logger, 'build', 0, { intervalMs: 5000, now: clock.now });
    progress.update(512, 2048);
    clock.advance(2000);
    progress.update(2048);
    expect(logger.lines).toEqual([]);
    progress.done();
    expect(logger.lines).toEqual(['build: 2.0 KiB / 2.0 KiB (100%), 1.0 KiB/s, done']);
  });

  it('leaves out the percentage when the total is unknown', () => {
    const logger = new MemoryLogger();
    const progress = byteProgress(logger, 'x', 0, { now: () => 0 });
    progress.update(10);
    progress.done();
    expect(logger.lines).toEqual(['x: 10 B, 9.8 KiB/s, done']);
  });
});

describe('streamProgress', () => {
  const a = { files: [{ path: 'a.bin', size: 4096 }] };
  const b = { files: [{ path: 'b.bin', size: 4096 }] };
  const small = {
    files: [
      { path: 'config.json', size: 1024 },
      { path: 'tokenizer.json', size: 1024 },
      { path: 'vocab.txt', size: 1024 },
    ],
  };

  it('says bytes verified and sent, in total with rate and ETA, and layer by layer', () => {
    const logger = new MemoryLogger();
    const clock = fakeClock();
    const progress = streamProgress(logger, 'stream', [a, b], { intervalMs: 1000, now: clock.now });
    clock.advance(500);
    progress.started('a.bin');
    progress.verified('a.bin', 1024);
    expect(logger.lines).toEqual([]);
    progress.layer(a, { kind: 'sent', bytes: 512 });
    progress.sent(512);
    clock.advance(500);
    progress.started('b.bin');
    progress.verified('b.bin', 1024);
    expect(logger.lines).toEqual([
      'stream: 2.0 KiB / 8.0 KiB verified (25%), 512 B sent, 2.0 KiB/s, ETA 3 s; ' +
        'a.bin 1.0 KiB / 4.0 KiB verified, 512 B sent, b.bin 1.0 KiB / 4.0 KiB verified, 0 B sent',
    ]);
    progress.verified('a.bin', 3072);
    progress.layer(a, { kind: 'sent', bytes: 4096 });
    progress.layer(a, { kind: 'stored' });
    clock.advance(1000);
    progress.sent(6144); // with the base layers' bytes
    expect(logger.lines[1]).toBe(
      'stream: 5.0 KiB / 8.0 KiB verified (62%), 6.0 KiB sent, 2.5 KiB/s, ETA 1 s; ' +
        'b.bin 1.0 KiB / 4.0 KiB verified, 0 B sent, a.bin 4.0 KiB / 4.0 KiB verified, 4.5 KiB sent, done',
    );
    clock.advance(1000);
    progress.verified('b.bin', 1024);
    // a.bin was told stored once; b.bin is still under way.
    expect(logger.lines[2]).toMatch(/; b\.bin 2\.0 KiB \/ 4\.0 KiB verified, 0 B sent$/);
    progress.done();
    expect(logger.lines[3]).toBe('stream: 6.0 KiB / 8.0 KiB verified (75%), 6.0 KiB sent, 2.0 KiB/s, done');
  });

  it('takes back what a file counted when its layer restarts: never over 100%', () => {
    const logger = new MemoryLogger();
    const clock = fakeClock();
    const progress = streamProgress(logger, 'stream', [a], { intervalMs: 1000, now: clock.now });
    progress.started('a.bin');
    progress.verified('a.bin', 3072);
    progress.started('a.bin'); // the upload broke mid-file: the layer is read again from its start
    progress.verified('a.bin', 4096);
    clock.advance(1000);
    progress.done();
    expect(logger.lines).toEqual(['stream: 4.0 KiB / 4.0 KiB verified (100%), 0 B sent, 4.0 KiB/s, done']);
  });

  type Step =
    | { started: string }
    | { verified: string; bytes: number }
    | { layer: typeof a; event: Parameters<StreamProgress['layer']>[1] };

  /** What one line says of the layers after `steps`. */
  function entries(layers: (typeof a)[], steps: Step[], options: { sends?: boolean; shown?: number } = {}) {
    const logger = new MemoryLogger();
    const clock = fakeClock();
    const progress = streamProgress(logger, 'stream', layers, {
      intervalMs: 1000,
      now: clock.now,
      ...options,
    });
    for (const step of steps) {
      if ('started' in step) progress.started(step.started);
      else if ('verified' in step) progress.verified(step.verified, step.bytes);
      else progress.layer(step.layer, step.event);
    }
    clock.advance(1000);
    progress.sent(0);
    return logger.lines;
  }

  it.each<{ name: string; layers?: (typeof a)[]; steps: Step[]; sends?: boolean; says: string }>([
    {
      name: 'an upload under way',
      steps: [
        { started: 'a.bin' },
        { verified: 'a.bin', bytes: 1024 },
        { layer: a, event: { kind: 'sent', bytes: 1536 } },
      ],
      says: 'a.bin 1.0 KiB / 4.0 KiB verified, 1.5 KiB sent',
    },
    {
      name: 'a restarted upload: sent counts again, verified does not',
      steps: [
        { started: 'a.bin' },
        { verified: 'a.bin', bytes: 3072 },
        { layer: a, event: { kind: 'sent', bytes: 3072 } },
        { started: 'a.bin' },
        { verified: 'a.bin', bytes: 1024 },
        { layer: a, event: { kind: 'sent', bytes: 1024 } },
      ],
      says: 'a.bin 1.0 KiB / 4.0 KiB verified, 4.0 KiB sent',
    },
    {
      name: 'a layer read to prove it can be mounted',
      steps: [
        { layer: a, event: { kind: 'proving', from: 'models/src' } },
        { started: 'a.bin' },
        { verified: 'a.bin', bytes: 2048 },
      ],
      says: 'a.bin 2.0 KiB / 4.0 KiB verified, to mount',
    },
    {
      name: 'a mounted layer: mounted, not "0 B sent"',
      steps: [
        { layer: a, event: { kind: 'proving', from: 'models/src' } },
        { started: 'a.bin' },
        { verified: 'a.bin', bytes: 4096 },
        { layer: a, event: { kind: 'mounted', from: 'models/src' } },
        { layer: a, event: { kind: 'stored' } },
      ],
      says: 'a.bin 4.0 KiB / 4.0 KiB verified, mounted, done',
    },
    {
      name: 'a layer the registry would not mount, uploaded instead',
      steps: [
        { layer: a, event: { kind: 'proving', from: 'models/src' } },
        { started: 'a.bin' },
        { verified: 'a.bin', bytes: 4096 },
        { started: 'a.bin' },
        { verified: 'a.bin', bytes: 1024 },
        { layer: a, event: { kind: 'sent', bytes: 1024 } },
      ],
      says: 'a.bin 1.0 KiB / 4.0 KiB verified, 1.0 KiB sent',
    },
    {
      name: 'a proven layer the registry had already',
      steps: [
        { layer: a, event: { kind: 'proving', from: 'models/src' } },
        { started: 'a.bin' },
        { verified: 'a.bin', bytes: 4096 },
        { layer: a, event: { kind: 'present' } },
        { layer: a, event: { kind: 'stored' } },
      ],
      says: 'a.bin 4.0 KiB / 4.0 KiB verified, already there, done',
    },
    {
      name: 'a layer reused by its key: not read',
      steps: [
        { layer: a, event: { kind: 'reused' } },
        { layer: a, event: { kind: 'stored' } },
      ],
      says: 'a.bin already there',
    },
    {
      name: 'a layer of several small files: one entry',
      layers: [small],
      steps: [
        { started: 'config.json' },
        { verified: 'config.json', bytes: 1024 },
        { started: 'tokenizer.json' },
        { verified: 'tokenizer.json', bytes: 512 },
        { layer: small, event: { kind: 'sent', bytes: 2560 } },
      ],
      says: '3 small files 1.5 KiB / 3.0 KiB verified, 2.5 KiB sent',
    },
    {
      name: 'a target that is no registry: nothing "sent"',
      sends: false,
      steps: [{ started: 'a.bin' }, { verified: 'a.bin', bytes: 1024 }],
      says: 'a.bin 1.0 KiB / 4.0 KiB verified',
    },
  ])('$name: $says', ({ layers, steps, sends, says }) => {
    const lines = entries(layers ?? [a], steps, sends === undefined ? {} : { sends });
    expect(lines).toHaveLength(1);
    expect(lines[0]!.slice(lines[0]!.indexOf('; ') + 2)).toBe(says);
    expect(lines[0]!.includes(' sent, ')).toBe(sends !== false);
  });

  it('lists layers under way first, then those stored since the last line, and counts the rest', () => {
    const c = { files: [{ path: 'c.bin', size: 4096 }] };
    const logger = new MemoryLogger();
    const clock = fakeClock();
    const progress = streamProgress(logger, 'stream', [a, b, c, small], {
      intervalMs: 1000,
      now: clock.now,
      shown: 3,
    });
    progress.layer(a, { kind: 'reused' });
    progress.layer(a, { kind: 'stored' });
    for (const file of ['b.bin', 'c.bin', 'vocab.txt']) progress.started(file);
    clock.advance(1000);
    progress.sent(0);
    expect(logger.lines[0]).toMatch(
      /; b\.bin 0 B \/ 4\.0 KiB verified, 0 B sent, c\.bin .*, 3 small files .*, \+1 more$/,
    );
    // The stored layer left out is told in a later line, once.
    for (const layer of [b, c, small]) progress.layer(layer, { kind: 'stored' });
    clock.advance(1000);
    progress.sent(0);
    expect(logger.lines[1]).toMatch(/; a\.bin already there, b\.bin .*, done, c\.bin .*, done, \+1 more$/);
    clock.advance(1000);
    progress.sent(0);
    expect(logger.lines[2]).toMatch(/; 3 small files 0 B \/ 3\.0 KiB verified, 0 B sent, done$/);
    clock.advance(1000);
    progress.sent(0);
    expect(logger.lines[3]).not.toContain(';');
  });

  it('keeps a file name from the registry on one line', () => {
    const odd = { files: [{ path: 'a.bin\nstream: 100% verified, done\r', size: 4096 }] };
    const lines = entries([odd], [{ started: odd.files[0]!.path }]);
    expect(lines).toEqual([
      'stream: 0 B / 4.0 KiB verified (0%), 0 B sent, 0 B/s, ETA unknown; ' +
        'a.bin stream: 100% verified, done  0 B / 4.0 KiB verified, 0 B sent',
    ]);
  });

  it('lists no layer before one has begun', () => {
    expect(entries([a, b], [])).toEqual([
      'stream: 0 B / 8.0 KiB verified (0%), 0 B sent, 0 B/s, ETA unknown',
    ]);
  });

  it.each([
    [0.4, '0 s'],
    [59, '59 s'],
    [200, '3 min 20 s'],
    [3900, '1 h 5 min'],
  ])('formatSeconds(%d) is %s', (seconds, text) => {
    expect(formatSeconds(seconds)).toBe(text);
  });
});
