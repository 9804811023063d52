/**
 * A real Flink SQL Gateway (Flink 2.x's org.apache.flink.table.gateway.SqlGateway, jars from Maven
 * Central via pom.xml, cached in ~/.m2) on a free loopback port, for the tests of
 * `eddy flink --gateway`. Jobs run with execution.target 'local': a MiniCluster inside the
 * gateway's JVM, so no separate Flink cluster is needed.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OPENS } from '../flink/flink.js';
import { ownJvm } from '../jvm-process.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const POM = join(HERE, 'pom.xml');
const TARGET = join(HERE, 'target');

export interface FlinkGatewayServer {
  /** http://127.0.0.1:port of the gateway's REST endpoint. */
  readonly url: string;
  stop(): Promise<void>;
}

/** The gateway's classpath: resolved by Maven once, then read from target/ while pom.xml is unchanged and every jar is there. */
export function gatewayClasspath(): string {
  const hash = createHash('sha256').update(readFileSync(POM)).digest('hex').slice(0, 16);
  const cached = join(TARGET, `classpath-${hash}.txt`);
  if (existsSync(cached)) {
    const cp = readFileSync(cached, 'utf8').trim();
    if (cp.split(':').every((jar) => existsSync(jar))) return cp;
  }
  mkdirSync(TARGET, { recursive: true });
  const r = spawnSync('mvn', ['-q', '-B', '-f', POM, 'dependency:build-classpath', `-Dmdep.outputFile=${cached}`], { encoding: 'utf8' });
  if (r.status !== 0 || !existsSync(cached)) throw new Error(`mvn could not resolve Flink's SQL Gateway (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  return readFileSync(cached, 'utf8').trim();
}

/** Starts the gateway and resolves once its REST endpoint answers /v1/info. */
export async function startFlinkGateway(): Promise<FlinkGatewayServer> {
  const classpath = gatewayClasspath();
  const dir = mkdtempSync(join(tmpdir(), 'eddy-flink-gateway-'));
  const [port, restPort] = [await freePort(), await freePort()];
  writeFileSync(
    join(dir, 'config.yaml'),
    [
      'execution.target: local',
      'sql-gateway.endpoint.rest.address: 127.0.0.1',
      'sql-gateway.endpoint.rest.bind-address: 127.0.0.1',
      `sql-gateway.endpoint.rest.port: ${port}`,
      'rest.bind-address: 127.0.0.1',
      `rest.port: ${restPort}`,
      'parallelism.default: 1',
      '',
    ].join('\n'),
  );
  writeFileSync(join(dir, 'log4j2.properties'), LOG4J.replace('FILE', join(dir, 'gateway.log')));
  const child: ChildProcess = spawn(
    'java',
    ['-Xms256m', '-Xmx1g', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', ...OPENS, `-Dlog4j2.configurationFile=${join(dir, 'log4j2.properties')}`, '-cp', classpath, 'org.apache.flink.table.gateway.SqlGateway'],
    { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, FLINK_CONF_DIR: dir } },
  );
  const { stop } = ownJvm(child, dir);
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`Flink's SQL Gateway exited with ${child.exitCode}:\n${stderr}`);
    }
    try {
      const res = await fetch(`${url}/v1/info`);
      if (res.ok) return { url, stop };
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`Flink's SQL Gateway did not answer within 90 s:\n${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const LOG4J = `status = error
appender.file.type = File
appender.file.name = file
appender.file.fileName = FILE
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = warn
rootLogger.appenderRef.file.ref = file
`;
