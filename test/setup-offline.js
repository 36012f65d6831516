// Tests reach loopback only. No TUF refresh of the Sigstore root (src/signing/public-good-root.ts),
// and any connection this test process opens to another host fails at once, naming the host,
// instead of leaving the machine. (Processes a test spawns inherit MODEL_PROMOTE_OFFLINE only.)
import net from 'node:net';

process.env.MODEL_PROMOTE_OFFLINE = '1';

// Loopback, and the node agent's pod network: addresses in network namespaces the tests make
// themselves (test/control-plane/node-agent/pod-network.ts), routed nowhere else.
const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|::1|\[::1\]|::ffff:127\.\d+\.\d+\.\d+|10\.244\.\d+\.\d+)$/i;
const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function guardedConnect(...args) {
  const first = args[0];
  const options = Array.isArray(first) ? first[0] : first;
  const host =
    typeof options === 'object' && options !== null
      ? options.host
      : typeof args[1] === 'string'
        ? args[1]
        : undefined;
  const isPath = typeof options === 'object' && options !== null && typeof options.path === 'string';
  if (!isPath && host !== undefined && !LOOPBACK.test(String(host))) {
    throw new Error(`a test tried to connect to ${host}: tests reach loopback only (test/setup-offline.js)`);
  }
  return connect.apply(this, args);
};
