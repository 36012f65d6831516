import { describe, expect, it } from '@jest/globals';
import { MemoryLogger } from './logger.js';
import { byteProgress, formatSeconds, streamProgress } from './progress.js';

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
  it('says bytes verified and sent, in total with rate and ETA, and the files under way', () => {
    const logger = new MemoryLogger();
    const clock = fakeClock();
    const progress = streamProgress(
      logger,
      'stream',
      [
        { path: 'a.bin', size: 4096 },
        { path: 'b.bin', size: 4096 },
      ],
      { intervalMs: 1000, now: clock.now },
    );
    clock.advance(500);
    progress.verified('a.bin', 1024);
    expect(logger.lines).toEqual([]);
    progress.sent(512);
    clock.advance(500);
    progress.verified('b.bin', 1024);
    expect(logger.lines).toEqual([
      'stream: 2.0 KiB / 8.0 KiB verified (25%), 512 B sent, 2.0 KiB/s, ETA 3 s; a.bin 1.0 KiB / 4.0 KiB, b.bin 1.0 KiB / 4.0 KiB',
    ]);
    progress.verified('a.bin', 3072);
    clock.advance(1000);
    progress.sent(5120);
    expect(logger.lines[1]).toBe(
      'stream: 5.0 KiB / 8.0 KiB verified (62%), 5.0 KiB sent, 2.5 KiB/s, ETA 1 s; b.bin 1.0 KiB / 4.0 KiB',
    );
    progress.done();
    expect(logger.lines[2]).toBe('stream: 5.0 KiB / 8.0 KiB verified (62%), 5.0 KiB sent, 2.5 KiB/s, done');
  });

  it('takes back what a file counted when its layer restarts: never over 100%', () => {
    const logger = new MemoryLogger();
    const clock = fakeClock();
    const progress = streamProgress(logger, 'stream', [{ path: 'a.bin', size: 4096 }], {
      intervalMs: 1000,
      now: clock.now,
    });
    progress.started('a.bin');
    progress.verified('a.bin', 3072);
    progress.started('a.bin'); // the upload broke mid-file: the layer is read again from its start
    progress.verified('a.bin', 4096);
    clock.advance(1000);
    progress.done();
    expect(logger.lines).toEqual(['stream: 4.0 KiB / 4.0 KiB verified (100%), 0 B sent, 4.0 KiB/s, done']);
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
