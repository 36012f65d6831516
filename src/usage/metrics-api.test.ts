import { describe, expect, it } from '@jest/globals';
import { metricsWarning } from './metrics-api.js';

describe('metricsWarning', () => {
  it.each([
    { status: 404, body: '404 page not found', code: 'metrics-api-missing', hint: /install metrics-server/ },
    {
      status: 403,
      body: JSON.stringify({ kind: 'Status', message: 'pods.metrics.k8s.io is forbidden' }),
      code: 'metrics-api-forbidden',
      hint: /grant get and list on pods\.metrics\.k8s\.io/,
    },
    {
      status: 503,
      body: JSON.stringify({ message: 'service unavailable' }),
      code: 'metrics-api-unavailable',
      hint: /kubectl get apiservice v1beta1\.metrics\.k8s\.io/,
    },
    { status: 500, body: 'boom', code: 'metrics-api-failed', hint: /check metrics-server/ },
  ])('$status is $code', ({ status, body, code, hint }) => {
    const warning = metricsWarning('prod', 'models', { status, body });
    expect(warning.code).toBe(code);
    expect(warning.hint).toMatch(hint);
    expect(warning.message).toMatch(/prod/);
  });

  it('shows a server message on one line, without its control characters', () => {
    const body = JSON.stringify({ message: 'overloaded\n::error::injected\u001b[31m' });
    const warning = metricsWarning('prod', 'models', { status: 503, body });
    expect(warning.message).toContain('overloaded ::error::injected [31m');
    expect(warning.message).not.toContain('\n');
    expect(warning.message).not.toContain('\u001b');
  });
});
