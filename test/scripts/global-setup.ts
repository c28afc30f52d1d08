import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

const root = fileURLToPath(new URL('../..', import.meta.url));

declare module 'vitest' {
  export interface ProvidedContext {
    /** The Unix socket of the run's one SparkSession (see spark_server.py). */
    sparkSocket: string;
    /** A file holding `{"ready":…}` or `{"failed":…}` once Spark has started or died. */
    sparkStatus: string;
    pythonPath: string;
  }
}

/**
 * Makes the Python environment (scripts/python-env.sh: a venv with pyspark, pyarrow, botocore;
 * fails saying what to install), then starts ONE local Spark for the whole run, in the
 * background: its ~10 s start overlaps the DuckDB tests, and every PySpark case reuses it.
 */
export default function setup(project: TestProject) {
  const t0 = Date.now();
  execFileSync('bash', [join(root, 'scripts/python-env.sh')], { cwd: root, stdio: 'inherit' });
  const venvSeconds = (Date.now() - t0) / 1000;
  const dir = mkdtempSync(join(tmpdir(), 'decant-spark-'));
  const socket = join(dir, 'spark.sock');
  const status = join(dir, 'status.json');
  const python = join(root, '.venv-scripts/bin/python');
  const child = spawn(python, [join(root, 'test/scripts/spark_server.py'), socket], {
    cwd: root,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, PYSPARK_PYTHON: python, SPARK_LOCAL_IP: '127.0.0.1' },
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-8000);
  });
  let out = '';
  let started = false;
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    const line = out.split('\n').find((l) => l.startsWith('{"ready"'));
    if (line && !started) {
      started = true;
      const ready = JSON.parse(line) as { startSeconds: number };
      writeFileSync(status, JSON.stringify({ ...ready, venvSeconds }));
      // CI's record of what this project adds: the Python environment check and Spark's start.
      console.log(
        `scripts: Python environment ${venvSeconds.toFixed(1)} s, local Spark started in ${ready.startSeconds} s`,
      );
    }
  });
  child.on('exit', (code) => {
    writeFileSync(status, JSON.stringify({ failed: `Spark exited (${code}): ${stderr}` }));
  });
  project.provide('sparkSocket', socket);
  project.provide('sparkStatus', status);
  project.provide('pythonPath', python);
  return async () => {
    child.removeAllListeners('exit');
    child.stdin.end(); // the server shuts down when its stdin closes
    await new Promise<void>((r) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        r();
      }, 15_000);
      child.on('exit', () => {
        clearTimeout(timer);
        r();
      });
    });
    rmSync(dir, { recursive: true, force: true });
  };
}
