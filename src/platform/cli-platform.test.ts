import { describe, expect, it } from '@jest/globals';
import { PromotionError } from '../errors.js';
import { cliErrorLines, cliPlatform } from './cli-platform.js';

function platform(verbose = false) {
  const lines: string[] = [];
  const p = cliPlatform({
    readInput: (name) => (name === 'model' ? 'sentiment' : undefined),
    verbose,
    write: (l) => lines.push(l),
  });
  return { p, lines };
}

describe('cliPlatform', () => {
  it('masks every secret in every kind of line', async () => {
    const { p, lines } = platform(true);
    p.mask('hunter2');
    p.mask('');
    p.logger.info('password is hunter2, again hunter2');
    p.logger.warn('hunter2');
    p.logger.debug('debug hunter2');
    await p.setOutputs({ status: 'hunter2' });
    p.fail(new PromotionError('failed', 'x', 'login hunter2 failed', 'use a token, not hunter2'));
    expect(lines).toEqual([
      'password is ***, again ***',
      'warning: ***',
      'debug: debug ***',
      'output status=***',
      'error: login *** failed. Fix: use a token, not ***',
    ]);
  });

  it('prints debug lines and outputs only when verbose', async () => {
    const { p, lines } = platform(false);
    p.logger.debug('hidden');
    await p.setOutputs({ status: 'succeeded' });
    expect(lines).toEqual([]);
  });

  it('heads each group with its title and returns the work', async () => {
    const { p, lines } = platform();
    expect(await p.group('verify', async () => 7)).toBe(7);
    expect(lines).toEqual(['── verify']);
    expect(p.readInput('model')).toBe('sentiment');
    expect(p.name).toBe('cli');
  });
});

describe('cliErrorLines', () => {
  it.each([
    {
      name: 'one line with a hint',
      message: 'bad thing',
      hint: 'do this',
      lines: ['error: bad thing. Fix: do this'],
    },
    { name: 'no hint', message: 'bad thing', hint: undefined, lines: ['error: bad thing'] },
    {
      name: 'a table after the cause: Fix stays on the error line, details follow indented',
      message: 'no pool matches (labels: a=b)\nPOOL  MATCH\ngpu   no\n',
      hint: 'widen a pool',
      lines: ['error: no pool matches (labels: a=b). Fix: widen a pool', '  POOL  MATCH', '  gpu   no'],
    },
    {
      name: 'a list introduced by a colon',
      message: 'catalog c.yaml is invalid (1 problem):\nc.yaml:3:5: x: bad',
      hint: 'fix it',
      lines: ['error: catalog c.yaml is invalid (1 problem). Fix: fix it', '  c.yaml:3:5: x: bad'],
    },
  ])('$name', ({ message, hint, lines }) => {
    expect(cliErrorLines(new PromotionError('usage', 'x', message, hint))).toEqual(lines);
  });
});
