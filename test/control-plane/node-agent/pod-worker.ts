/**
 * One pod on the node agent, as the kubelet runs it: pull each container's image (ErrImagePull,
 * then ImagePullBackOff), give the pod a network namespace and address, start the containers,
 * run their startup, readiness and liveness probes, restart what exits with the kubelet's back-off
 * (CrashLoopBackOff), write the pod status and the kubelet's events, and on deletion stop the
 * containers and remove the pod. Test code: it stands in for the kubelet and a container runtime.
 */
import { randomBytes } from 'node:crypto';
import type { KubeCluster, LiveObject } from '../../../src/deploy/cluster.js';
import { Instance, probeOnce, type ContainerSpec, type ProbeSpec } from './container.js';
import type { Fault } from './faults.js';
import type { PulledImage } from './images.js';
import type { PodNetwork } from './pod-network.js';

export interface PodContext {
  readonly api: KubeCluster;
  readonly node: string;
  readonly hostIP: string;
  readonly network: PodNetwork;
  /** Pulls (or reuses) an image; the same reference is pulled once. */
  readonly pull: (reference: string) => Promise<PulledImage>;
  /** Kubelet periods and back-offs are multiplied by this (1: real time; tests go faster). */
  readonly timeScale: number;
  readonly faults: (pod: LiveObject, container: ContainerSpec) => Promise<Fault | undefined>;
  readonly event: (
    pod: LiveObject,
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
    fieldPath?: string,
  ) => void;
  readonly onError: (error: unknown) => void;
}

type State =
  | { waiting: { reason: string; message?: string } }
  | { running: { startedAt: string } }
  | { terminated: Terminated };

interface Terminated {
  exitCode: number;
  reason: string;
  message?: string;
  startedAt: string;
  finishedAt: string;
  containerID: string;
}

interface ContainerRun {
  readonly spec: ContainerSpec;
  state: State;
  lastState?: { terminated: Terminated };
  restartCount: number;
  ready: boolean;
  started: boolean;
  imageID: string;
  containerID?: string;
  current?: Instance;
  previous?: Instance;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

interface PodSpecView {
  containers?: ContainerSpec[];
  terminationGracePeriodSeconds?: number;
}

export class PodWorker {
  private readonly runs = new Map<string, ContainerRun>();
  private stopped = false;
  private attaching?: Promise<string>;
  private netns?: string;
  private podIp?: string;
  private readonly startTime = new Date();
  private lastWritten = '';
  private writing: Promise<void> = Promise.resolve();
  private terminating?: Promise<void>;

  constructor(
    private pod: LiveObject,
    private readonly ctx: PodContext,
  ) {
    for (const spec of (pod.spec as PodSpecView).containers ?? []) {
      this.runs.set(spec.name, {
        spec,
        state: { waiting: { reason: 'ContainerCreating' } },
        restartCount: 0,
        ready: false,
        started: false,
        imageID: '',
      });
    }
  }

  get uid(): string {
    return this.pod.metadata.uid ?? '';
  }

  matches(namespace: string, name: string): boolean {
    return this.pod.metadata.namespace === namespace && this.pod.metadata.name === name;
  }

  /** The pod and its running containers' processes, for the metrics API (pod-metrics.ts). */
  processes(): {
    readonly pod: LiveObject;
    readonly containers: readonly { readonly name: string; readonly pid: number }[];
  } {
    const containers = [...this.runs.values()].flatMap((run) => {
      const pid = 'running' in run.state ? run.current?.pid : undefined;
      return pid === undefined ? [] : [{ name: run.spec.name, pid }];
    });
    return { pod: this.pod, containers };
  }

  private get ref(): string {
    return `${this.pod.metadata.name}_${this.pod.metadata.namespace}(${this.uid})`;
  }

  private scaled(seconds: number): number {
    return Math.max(50, seconds * 1000 * this.ctx.timeScale);
  }

  start(): void {
    void this.report();
    for (const run of this.runs.values()) {
      this.runContainer(run).catch((error: unknown) => this.ctx.onError(error));
    }
  }

  /** The pod's address, attaching it to the pod network the first time a container needs one. */
  private address(): Promise<string> {
    this.attaching ??= this.ctx.network.attach(this.uid).then((a) => {
      this.netns = a.netns;
      this.podIp = a.ip;
      return a.ip;
    });
    return this.attaching;
  }

  private event(type: 'Normal' | 'Warning', reason: string, message: string, container?: string): void {
    this.ctx.event(this.pod, type, reason, message, container ? `spec.containers{${container}}` : undefined);
  }

  private async runContainer(run: ContainerRun): Promise<void> {
    const { spec } = run;
    const fault = await this.ctx.faults(this.pod, spec);
    let image: PulledImage | undefined;
    for (let attempt = 0; !this.stopped && !image; attempt++) {
      this.event('Normal', 'Pulling', `Pulling image "${spec.image}"`, spec.name);
      const started = Date.now();
      try {
        if (fault?.kind === 'image-pull') {
          throw new Error(
            fault.message ??
              `rpc error: code = NotFound desc = failed to pull and unpack image "${spec.image}": not found`,
          );
        }
        image = await this.ctx.pull(spec.image);
        const ms = Date.now() - started;
        this.event(
          'Normal',
          'Pulled',
          `Successfully pulled image "${spec.image}" in ${ms}ms (${ms}ms including waiting)`,
          spec.name,
        );
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        run.state = { waiting: { reason: 'ErrImagePull', message } };
        this.event('Warning', 'Failed', `Failed to pull image "${spec.image}": ${message}`, spec.name);
        this.event('Warning', 'Failed', 'Error: ErrImagePull', spec.name);
        await this.report();
        await sleep(this.backoff(attempt));
        if (this.stopped) return;
        run.state = {
          waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${spec.image}"` },
        };
        this.event('Normal', 'BackOff', `Back-off pulling image "${spec.image}"`, spec.name);
        this.event('Warning', 'Failed', 'Error: ImagePullBackOff', spec.name);
        await this.report();
        await sleep(this.backoff(attempt));
      }
    }
    if (!image || this.stopped) return;
    run.imageID =
      fault?.kind === 'wrong-image'
        ? `${image.imageID.split('@')[0]}@${fault.digest ?? `sha256:${'0'.repeat(64)}`}`
        : image.imageID;
    const ip = await this.address();
    let env: Record<string, string>;
    try {
      env = await this.environment(spec, image, fault);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      run.state = { waiting: { reason: 'CreateContainerConfigError', message } };
      this.event('Warning', 'Failed', `Error: ${message}`, spec.name);
      await this.report();
      return;
    }

    for (let restarts = 0; !this.stopped; restarts++) {
      const instance = new Instance(this.netns as string, image.root, env);
      run.previous = run.current;
      run.current = instance;
      run.containerID = `node-agent://${randomBytes(32).toString('hex')}`;
      this.event('Normal', 'Created', `Created container: ${spec.name}`, spec.name);
      this.event('Normal', 'Started', `Started container ${spec.name}`, spec.name);
      run.state = { running: { startedAt: iso(instance.startedAt) } };
      run.started = false;
      run.ready = false;
      await this.report();
      void this.probe(run, instance, ip);
      const exit = await instance.exited;
      run.ready = false;
      run.started = false;
      if (this.stopped) return;
      const terminated: Terminated = {
        exitCode: exit.exitCode,
        reason: exit.exitCode === 0 ? 'Completed' : 'Error',
        ...(exit.exitCode !== 0 && instance.tail() ? { message: instance.tail() } : {}),
        startedAt: iso(instance.startedAt),
        finishedAt: iso(exit.finishedAt),
        containerID: run.containerID,
      };
      run.lastState = { terminated };
      run.restartCount++;
      const wait = this.backoff(restarts);
      run.state = {
        waiting: {
          reason: 'CrashLoopBackOff',
          message: `back-off ${Math.round(wait / 1000 / this.ctx.timeScale)}s restarting failed container=${spec.name} pod=${this.ref}`,
        },
      };
      this.event(
        'Warning',
        'BackOff',
        `Back-off restarting failed container ${spec.name} in pod ${this.ref}`,
        spec.name,
      );
      await this.report();
      await sleep(wait);
    }
  }

  /** The kubelet's back-off: 10 s, doubling, at most 5 minutes (scaled). */
  private backoff(attempt: number): number {
    return this.scaled(Math.min(10 * 2 ** attempt, 300));
  }

  /** The container's environment as a runtime builds it: image Env, then envFrom, then env. */
  private async environment(
    spec: ContainerSpec,
    image: PulledImage,
    fault: Fault | undefined,
  ): Promise<Record<string, string>> {
    const namespace = this.pod.metadata.namespace ?? 'default';
    const configMaps = new Map<string, Record<string, string> | undefined>();
    const configMap = async (name: string) => {
      if (!configMaps.has(name)) {
        const object = await this.ctx.api.read({
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name, namespace },
        });
        configMaps.set(name, object ? ((object as { data?: Record<string, string> }).data ?? {}) : undefined);
      }
      return configMaps.get(name);
    };
    const env: Record<string, string> = { ...image.env, HOSTNAME: this.pod.metadata.name };
    for (const from of spec.envFrom ?? []) {
      if (!from.configMapRef) continue;
      const data = await configMap(from.configMapRef.name);
      if (!data && !from.configMapRef.optional)
        throw new Error(`configmap "${from.configMapRef.name}" not found`);
      for (const [key, value] of Object.entries(data ?? {})) env[`${from.prefix ?? ''}${key}`] = value;
    }
    for (const e of spec.env ?? []) {
      if (e.value !== undefined) env[e.name] = e.value;
      const ref = e.valueFrom?.configMapKeyRef;
      if (ref) {
        const value = (await configMap(ref.name))?.[ref.key];
        if (value === undefined && !ref.optional)
          throw new Error(`couldn't find key ${ref.key} in ConfigMap ${namespace}/${ref.name}`);
        if (value !== undefined) env[e.name] = value;
      }
      const field = e.valueFrom?.fieldRef?.fieldPath;
      if (field === 'metadata.name') env[e.name] = this.pod.metadata.name;
      if (field === 'metadata.namespace') env[e.name] = namespace;
    }
    // The container listens on all the pod's addresses, on its port.
    env.SERVING_HOST = '0.0.0.0';
    env.SERVING_PORT ??= String(spec.ports?.[0]?.containerPort ?? 8080);
    if (fault?.kind === 'crash-loop') {
      env.MODEL_SERVER_CRASH = fault.message ?? 'model server: crashed';
      env.MODEL_SERVER_CRASH_EXIT_CODE = String(fault.exitCode ?? 1);
    }
    if (fault?.kind === 'never-ready') env.MODEL_SERVER_READY_AFTER_MS = 'never';
    if (fault?.kind === 'slow-ready') env.MODEL_SERVER_READY_AFTER_MS = String(fault.delayMs);
    return env;
  }

  /** Startup, then readiness and liveness probes, until the instance exits. */
  private async probe(run: ContainerRun, instance: Instance, ip: string): Promise<void> {
    let alive = true;
    void instance.exited.then(() => (alive = false));
    const { spec } = run;
    const period = (p: ProbeSpec | undefined, fallback: number) => this.scaled(p?.periodSeconds ?? fallback);
    const kill = async (which: string) => {
      this.event(
        'Normal',
        'Killing',
        `Container ${spec.name} failed ${which} probe, will be restarted`,
        spec.name,
      );
      await instance.stop(this.scaled(this.grace()));
    };
    const startup = spec.startupProbe;
    if (startup) {
      await sleep(this.scaled(startup.initialDelaySeconds ?? 0));
      for (let failures = 0; alive;) {
        const result = await probeOnce(ip, spec, startup);
        if (!alive) return;
        if (result.ok) break;
        this.event('Warning', 'Unhealthy', `Startup probe failed: ${result.reason}`, spec.name);
        if (++failures >= (startup.failureThreshold ?? 3)) return kill('startup');
        await sleep(period(startup, 10));
      }
    }
    if (!alive) return;
    run.started = true;
    if (!spec.readinessProbe) run.ready = true;
    await this.report();
    const readiness = spec.readinessProbe;
    const liveness = spec.livenessProbe;
    const loops: Promise<void>[] = [];
    if (readiness) {
      loops.push(
        (async () => {
          await sleep(this.scaled(readiness.initialDelaySeconds ?? 0));
          let failures = 0;
          let successes = 0;
          while (alive) {
            const result = await probeOnce(ip, spec, readiness);
            if (!alive) return;
            if (result.ok) {
              failures = 0;
              if (++successes >= (readiness.successThreshold ?? 1) && !run.ready) {
                run.ready = true;
                await this.report();
              }
            } else {
              successes = 0;
              this.event('Warning', 'Unhealthy', `Readiness probe failed: ${result.reason}`, spec.name);
              if (++failures >= (readiness.failureThreshold ?? 3) && run.ready) {
                run.ready = false;
                await this.report();
              }
            }
            await sleep(period(readiness, 10));
          }
        })(),
      );
    }
    if (liveness) {
      loops.push(
        (async () => {
          await sleep(this.scaled(liveness.initialDelaySeconds ?? 0));
          for (let failures = 0; alive;) {
            const result = await probeOnce(ip, spec, liveness);
            if (!alive) return;
            if (result.ok) failures = 0;
            else {
              this.event('Warning', 'Unhealthy', `Liveness probe failed: ${result.reason}`, spec.name);
              if (++failures >= (liveness.failureThreshold ?? 3)) return kill('liveness');
            }
            await sleep(period(liveness, 10));
          }
        })(),
      );
    }
    await Promise.all(loops);
  }

  private grace(): number {
    return (this.pod.spec as PodSpecView).terminationGracePeriodSeconds ?? 30;
  }

  /** The pod status as the kubelet writes it, from what runs. */
  private status(): Record<string, unknown> {
    const runs = [...this.runs.values()];
    const ready = runs.length > 0 && runs.every((r) => r.ready);
    const everStarted = runs.some((r) => r.current);
    const unready = runs.filter((r) => !r.ready).map((r) => r.spec.name);
    const now = iso(new Date());
    const condition = (type: string, status: boolean, reason?: string) => ({
      type,
      status: status ? 'True' : 'False',
      lastProbeTime: null,
      lastTransitionTime: now,
      ...(!status && reason
        ? { reason, message: `containers with unready status: [${unready.join(' ')}]` }
        : {}),
    });
    const ip = this.podIp;
    return {
      phase: everStarted ? 'Running' : 'Pending',
      conditions: [
        condition('PodReadyToStartContainers', Boolean(this.netns)),
        condition('Initialized', true),
        condition('Ready', ready, 'ContainersNotReady'),
        condition('ContainersReady', ready, 'ContainersNotReady'),
      ],
      hostIP: this.ctx.hostIP,
      hostIPs: [{ ip: this.ctx.hostIP }],
      startTime: iso(this.startTime),
      ...(ip ? { podIP: ip, podIPs: [{ ip }] } : {}),
      containerStatuses: runs.map((r) => ({
        name: r.spec.name,
        image: r.spec.image,
        imageID: r.imageID,
        ...(r.containerID ? { containerID: r.containerID } : {}),
        ready: r.ready,
        started: r.started,
        restartCount: r.restartCount,
        state: r.state,
        lastState: r.lastState ?? {},
      })),
    };
  }

  /** Writes the status when it changed (one write at a time, in order). */
  report(): Promise<void> {
    this.writing = this.writing.then(async () => {
      if (this.terminating && this.stopped) return;
      const status = this.status();
      const comparable = JSON.stringify(status, (key, value: unknown) =>
        key === 'lastTransitionTime' ? undefined : value,
      );
      if (comparable === this.lastWritten) return;
      const { namespace = 'default', name } = this.pod.metadata;
      const res = await this.ctx.api.request(
        'PATCH',
        `/api/v1/namespaces/${namespace}/pods/${name}/status`,
        JSON.stringify({ status }),
        { 'Content-Type': 'application/strategic-merge-patch+json' },
      );
      if (res.status === 200) this.lastWritten = comparable;
      else if (res.status !== 404)
        throw new Error(`pod ${namespace}/${name} status: ${res.status} ${res.body}`);
    });
    return this.writing.catch((error: unknown) => this.ctx.onError(error));
  }

  /** Container log, as the kubelet's /containerLogs answers: lines, or why there are none. */
  logs(container: string | undefined, previous: boolean): { lines: Instance['lines'] } | { error: string } {
    const run = container ? this.runs.get(container) : [...this.runs.values()][0];
    const name = `${this.pod.metadata.name}`;
    if (!run) return { error: `container ${container} is not valid for pod ${name}` };
    if (previous) {
      return run.previous
        ? { lines: run.previous.lines }
        : { error: `previous terminated container "${run.spec.name}" in pod "${name}" not found` };
    }
    if ('running' in run.state && run.current) return { lines: run.current.lines };
    if (run.lastState && (run.previous || run.current))
      return { lines: (run.current ?? run.previous)!.lines };
    const reason = 'waiting' in run.state ? run.state.waiting.reason : 'ContainerCreating';
    const why =
      reason === 'ErrImagePull'
        ? "image can't be pulled"
        : reason === 'ImagePullBackOff'
          ? 'trying and failing to pull image'
          : reason;
    return { error: `container "${run.spec.name}" in pod "${name}" is waiting to start: ${why}` };
  }

  /** The pod was deleted gracefully: stop its containers, free its address, remove the object. */
  terminate(pod: LiveObject): Promise<void> {
    this.pod = pod;
    this.terminating ??= (async () => {
      this.stopped = true;
      const grace =
        (pod.metadata as { deletionGracePeriodSeconds?: number }).deletionGracePeriodSeconds ?? this.grace();
      await Promise.all([...this.runs.values()].map((r) => r.current?.stop(this.scaled(grace))));
      await this.ctx.network.detach(this.uid);
      const { namespace = 'default', name } = pod.metadata;
      const res = await this.ctx.api.request(
        'DELETE',
        `/api/v1/namespaces/${namespace}/pods/${name}`,
        JSON.stringify({
          apiVersion: 'v1',
          kind: 'DeleteOptions',
          gracePeriodSeconds: 0,
          preconditions: { uid: this.uid },
        }),
        { 'Content-Type': 'application/json' },
      );
      if (res.status >= 300 && res.status !== 404 && res.status !== 409) {
        throw new Error(`pod ${namespace}/${name} delete: ${res.status} ${res.body}`);
      }
    })();
    return this.terminating;
  }

  /** The pod object is gone (force-deleted, or after terminate): stop everything now. */
  async kill(): Promise<void> {
    this.stopped = true;
    await Promise.all([...this.runs.values()].map((r) => r.current?.stop(0)));
    await this.ctx.network.detach(this.uid);
  }
}
