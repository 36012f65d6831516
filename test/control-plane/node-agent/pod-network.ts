/**
 * Pod networking for the node agent, as a CNI bridge plugin does it (test code, needs root): a
 * bridge on the host with the node's address, and for each pod a network namespace joined to it
 * by a veth pair, with one address of the node's /24. The API server reaches pods on those
 * addresses (service proxy, smoke requests) exactly as it reaches pods on a real node.
 *
 * Several agents (parallel test workers, two clusters) each claim a /24 of 10.244.0.0/16 with a
 * lock folder holding their pid; a claim whose process is gone is cleaned up and reused. The whole
 * /16 is also routed `unreachable` on the host, so no packet for a pod that is gone ever leaves the
 * machine.
 */
import { execFile } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const LOCKS = '/run/model-promote-pod-network';
const RANGE = '10.244.0.0/16';
const SUBNETS = 250;

const ip = (...args: string[]) => run('ip', args, { timeout: 10_000 });

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const bridgeName = (subnet: number) => `mpbr${subnet}`;
const namespacePrefix = (subnet: number) => `mp${subnet}-`;

/** Removes what a claim left behind: its pods' namespaces (their veths go with them) and its bridge. */
async function cleanSubnet(subnet: number): Promise<void> {
  const { stdout } = await ip('netns', 'list');
  for (const line of stdout.split('\n')) {
    const name = line.split(' ')[0] ?? '';
    if (name.startsWith(namespacePrefix(subnet))) await ip('netns', 'del', name).catch(() => undefined);
  }
  await ip('link', 'del', bridgeName(subnet)).catch(() => undefined);
}

async function claimSubnet(): Promise<number> {
  await mkdir(LOCKS, { recursive: true });
  for (let subnet = 1; subnet <= SUBNETS; subnet++) {
    const lock = join(LOCKS, String(subnet));
    try {
      await mkdir(lock);
    } catch {
      const pid = Number(await readFile(join(lock, 'pid'), 'utf8').catch(() => '0'));
      if (pid && alive(pid)) continue;
      // Stale: its agent died without cleaning up. Take it over only if no one else just did.
      await rm(lock, { recursive: true, force: true });
      try {
        await mkdir(lock);
      } catch {
        continue;
      }
    }
    await writeFile(join(lock, 'pid'), String(process.pid));
    await cleanSubnet(subnet);
    return subnet;
  }
  throw new Error(`pod network: all ${SUBNETS} subnets of ${RANGE} are claimed (see ${LOCKS})`);
}

export interface PodAddress {
  readonly ip: string;
  /** The network namespace the pod's processes run in (`ip netns exec NAME ...`). */
  readonly netns: string;
}

export class PodNetwork {
  private readonly free: number[] = [];
  private readonly attached = new Map<string, { host: number; address: PodAddress }>();

  private constructor(private readonly subnet: number) {
    for (let host = 2; host < 255; host++) this.free.push(host);
  }

  /** The node's address on the pod network: where the API server reaches the agent's kubelet port. */
  get gateway(): string {
    return `10.244.${this.subnet}.1`;
  }

  static async create(): Promise<PodNetwork> {
    if (process.getuid?.() !== 0) {
      throw new Error(
        'pod network: the node agent needs root for network namespaces (run the tests as root, as CI does)',
      );
    }
    await ip('route', 'replace', 'unreachable', RANGE);
    const subnet = await claimSubnet();
    const network = new PodNetwork(subnet);
    const bridge = bridgeName(subnet);
    await ip('link', 'add', bridge, 'type', 'bridge');
    await ip('addr', 'add', `${network.gateway}/24`, 'dev', bridge);
    await ip('link', 'set', bridge, 'up');
    return network;
  }

  /** A namespace and an address for the pod `uid`; the same answer while it stays attached. */
  async attach(uid: string): Promise<PodAddress> {
    const known = this.attached.get(uid);
    if (known) return known.address;
    const host = this.free.shift();
    if (host === undefined) throw new Error(`pod network: no address left in 10.244.${this.subnet}.0/24`);
    const netns = `${namespacePrefix(this.subnet)}${host}`;
    const veth = `mp${this.subnet}v${host}`;
    const address = { ip: `10.244.${this.subnet}.${host}`, netns };
    this.attached.set(uid, { host, address });
    try {
      await ip('netns', 'add', netns);
      await ip('link', 'add', veth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', netns);
      await ip('link', 'set', veth, 'master', bridgeName(this.subnet), 'up');
      await ip('-n', netns, 'addr', 'add', `${address.ip}/24`, 'dev', 'eth0');
      await ip('-n', netns, 'link', 'set', 'eth0', 'up');
      await ip('-n', netns, 'link', 'set', 'lo', 'up');
      await ip('-n', netns, 'route', 'add', 'default', 'via', this.gateway);
    } catch (error) {
      await this.detach(uid);
      throw error;
    }
    return address;
  }

  async detach(uid: string): Promise<void> {
    const known = this.attached.get(uid);
    if (!known) return;
    this.attached.delete(uid);
    await ip('netns', 'del', known.address.netns).catch(() => undefined);
    this.free.push(known.host);
  }

  async close(): Promise<void> {
    await Promise.all([...this.attached.keys()].map((uid) => this.detach(uid)));
    await cleanSubnet(this.subnet);
    await rm(join(LOCKS, String(this.subnet)), { recursive: true, force: true });
  }
}
