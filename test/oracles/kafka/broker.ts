/**
 * A real Apache Kafka broker (4.x, KRaft, one node acting as broker and controller) for the tests
 * and the benchmark: Maven resolves its jars from Maven Central into ~/.m2 (pom.xml beside this
 * file), then `java -cp` formats a log directory in a temp dir and runs the broker on free
 * loopback ports. A start takes about three seconds once the jars are cached.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Admin } from '@platformatic/kafka';
import { ownJvm } from '../jvm-process.js';

/** This folder in the source tree (the benchmark runs a compiled copy of this file from dist/). */
const HERE = sourceDir(dirname(fileURLToPath(import.meta.url)));
const POM = join(HERE, 'pom.xml');
/** Where the resolved classpath is cached, keyed by the pom's hash (ignored by git). */
const CACHE_DIR = join(HERE, 'target');

function sourceDir(dir: string): string {
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(join(d, 'test', 'oracles', 'kafka', 'pom.xml'))) return join(d, 'test', 'oracles', 'kafka');
    if (dirname(d) === d) return dir;
  }
}

export interface KafkaBroker {
  /** host:port of the PLAINTEXT listener. */
  readonly bootstrap: string;
  /** The broker's temp directory: server.properties, data/, broker.log (warnings and errors). */
  readonly dir: string;
  createTopic(name: string, partitions?: number, config?: Readonly<Record<string, string>>): Promise<void>;
  /** Kills the broker and removes its directory. */
  stop(): Promise<void>;
}

/** Why the Kafka tests cannot run here (no java or mvn on the PATH), or null when they can. */
export function kafkaSkipReason(): string | null {
  for (const [tool, arg] of [['java', '-version'], ['mvn', '-v']] as const) {
    const r = spawnSync(tool, [arg], { stdio: 'ignore' });
    if (r.error || r.status !== 0) return `'${tool}' is not on the PATH: the Kafka tests need Java 17+ and Maven to fetch and run an Apache Kafka broker`;
  }
  return null;
}

/**
 * The broker's Java classpath: resolved by Maven once (jars cached in ~/.m2), then read from
 * test/oracles/kafka/target/ while the pom is unchanged and every jar is still there.
 */
export function brokerClasspath(): string {
  const pom = readFileSync(POM);
  const cached = join(CACHE_DIR, `classpath-${createHash('sha256').update(pom).digest('hex').slice(0, 16)}.txt`);
  if (existsSync(cached)) {
    const cp = readFileSync(cached, 'utf8').trim();
    if (cp.split(':').every((jar) => existsSync(jar))) return cp;
  }
  mkdirSync(CACHE_DIR, { recursive: true });
  const r = spawnSync('mvn', ['-q', '-B', '-f', POM, 'dependency:build-classpath', `-Dmdep.outputFile=${cached}`], { encoding: 'utf8' });
  if (r.status !== 0 || !existsSync(cached)) {
    throw new Error(`mvn could not resolve the Kafka broker's jars (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  }
  return readFileSync(cached, 'utf8').trim();
}

export interface BrokerOptions {
  readonly classpath?: string;
  /** JVM flags; the default favours a fast start and a small footprint over peak throughput. */
  readonly jvmArgs?: readonly string[];
  /** Extra broker properties (server.properties lines). */
  readonly properties?: Readonly<Record<string, string>>;
}

const DEFAULT_JVM = ['-Xms256m', '-Xmx768m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-Xshare:auto'];

/** Formats a fresh log directory and starts a single-node KRaft broker on free loopback ports; resolves once it serves metadata. */
export async function startBroker(opts: BrokerOptions = {}): Promise<KafkaBroker> {
  const classpath = opts.classpath ?? brokerClasspath();
  const dir = mkdtempSync(join(tmpdir(), 'eddy-kafka-'));
  const [port, controllerPort] = [await freePort(), await freePort()];
  const props: Record<string, string> = {
    'process.roles': 'broker,controller',
    'node.id': '1',
    'controller.quorum.voters': `1@127.0.0.1:${controllerPort}`,
    listeners: `PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    'advertised.listeners': `PLAINTEXT://127.0.0.1:${port}`,
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'listener.security.protocol.map': 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    'log.dirs': join(dir, 'data'),
    'num.partitions': '1',
    'auto.create.topics.enable': 'false',
    'offsets.topic.replication.factor': '1',
    'offsets.topic.num.partitions': '4',
    'transaction.state.log.replication.factor': '1',
    'transaction.state.log.min.isr': '1',
    'transaction.state.log.num.partitions': '4',
    'group.initial.rebalance.delay.ms': '0',
    'num.network.threads': '2',
    'num.io.threads': '2',
    ...opts.properties,
  };
  const config = join(dir, 'server.properties');
  writeFileSync(config, Object.entries(props).map(([k, v]) => `${k}=${v}`).join('\n') + '\n');
  const log4j = join(dir, 'log4j2.properties');
  writeFileSync(log4j, LOG4J.replace('FILE', join(dir, 'broker.log')));
  const jvm = [...(opts.jvmArgs ?? DEFAULT_JVM), `-Dlog4j2.configurationFile=${log4j}`, '-cp', classpath];

  const clusterId = randomBytes(16).toString('base64url');
  const format = spawnSync('java', [...jvm, 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', config], { encoding: 'utf8' });
  if (format.status !== 0) throw new Error(`formatting the Kafka log directory failed:\n${format.stdout}\n${format.stderr}`);

  const child = spawn('java', [...jvm, 'kafka.Kafka', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const { stop } = ownJvm(child, dir);
  const bootstrap = `127.0.0.1:${port}`;
  try {
    await waitUntilServing(bootstrap, child, () => `${stderr}\n${tail(join(dir, 'broker.log'))}`);
  } catch (e) {
    await stop();
    throw e;
  }
  return { bootstrap, dir, stop, createTopic: (name, partitions = 1, cfg = {}) => createTopic(bootstrap, name, partitions, cfg) };
}

/** Creates a topic (replication 1) and waits until every partition has a leader. */
export async function createTopic(bootstrap: string, name: string, partitions: number, config: Readonly<Record<string, string>> = {}): Promise<void> {
  const admin = new Admin({ clientId: 'eddy-test-admin', bootstrapBrokers: [bootstrap] });
  try {
    await admin.createTopics({ topics: [name], partitions, replicas: 1, configs: Object.entries(config).map(([name, value]) => ({ name, value })) });
    for (let i = 0; ; i++) {
      const meta = await admin.metadata({ topics: [name], forceUpdate: true });
      const parts = meta.topics.get(name)?.partitions ?? [];
      if (parts.length === partitions && parts.every((p) => p.leader >= 0)) return;
      if (i > 100) throw new Error(`topic '${name}' has no leader after 10 s`);
      await sleep(100);
    }
  } finally {
    await admin.close();
  }
}

/**
 * The values of every message of `topic` as Kafka's own Java consumer (ConsoleConsumer, from
 * kafka-tools) reads them with isolation.level read_committed: the judge of exactly-once output,
 * independent of the JavaScript clients. It stops once no message came for `idleMs`.
 */
export function javaReadCommitted(bootstrap: string, topic: string, idleMs = 4000): string[] {
  const r = spawnSync('java', [...DEFAULT_JVM, '-Dlog4j2.level=OFF', '-cp', brokerClasspath(), 'org.apache.kafka.tools.consumer.ConsoleConsumer', '--bootstrap-server', bootstrap, '--topic', topic, '--from-beginning', '--isolation-level', 'read_committed', '--timeout-ms', String(idleMs), '--group', `eddy-judge-${randomBytes(4).toString('hex')}`], { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.status !== 0 && !/Processed a total of/.test(r.stderr)) throw new Error(`ConsoleConsumer failed (${r.status}): ${r.stderr}`);
  return r.stdout.split('\n').filter((l) => l !== '');
}

async function waitUntilServing(bootstrap: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the Kafka broker exited with ${child.exitCode}:\n${output()}`);
    const admin = new Admin({ clientId: 'eddy-test-probe', bootstrapBrokers: [bootstrap], retries: 0, connectTimeout: 500 });
    try {
      const meta = await admin.metadata({ topics: [] });
      if (meta.brokers.size > 0) return;
    } catch {
      // Not listening yet.
    } finally {
      await admin.close().catch(() => {});
    }
    await sleep(200);
  }
  throw new Error(`the Kafka broker did not serve metadata within 60 s:\n${output()}`);
}

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => res(port));
    });
  });
}

function tail(path: string): string {
  return existsSync(path) ? readFileSync(path, 'utf8').split('\n').slice(-40).join('\n') : '';
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const LOG4J = `status = error
appender.file.type = File
appender.file.name = file
appender.file.fileName = FILE
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = warn
rootLogger.appenderRef.file.ref = file
`;
