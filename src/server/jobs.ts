/**
 * Runs analyses in child processes (analysis-job.ts): one analysis at a time, first come first
 * served, so a multi-GB capture never competes with another for the machine and the server process
 * itself only relays messages. Ladder details of a stream (one pass over one capture) run in a lane
 * of their own, so a ladder does not wait behind a long analysis.
 */
import { fork, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { setPriority } from "node:os";
import { fileURLToPath } from "node:url";
import type { JobMessage, JobRequest } from "./analysis-job.js";

/** The job script next to this module: dist/server/analysis-job.js, or the .ts file under tsx. */
function jobScript(): { file: string; execArgv: string[] } {
  const here = import.meta.url;
  if (here.endsWith(".ts")) {
    return { file: fileURLToPath(new URL("./analysis-job.ts", here)), execArgv: ["--import", "tsx"] };
  }
  return { file: fileURLToPath(new URL("./analysis-job.js", here)), execArgv: [] };
}

export interface JobEvents {
  onProgress(phase: string, fraction: number): void;
}

/** Runs one job in a fresh child process; resolves with its last message. */
export function runChild(
  job: JobRequest,
  events: JobEvents | null,
  onStart?: (child: ChildProcess) => void,
): Promise<JobMessage> {
  const { file, execArgv } = jobScript();
  if (!existsSync(file)) {
    return Promise.resolve({ type: "failed", error: "the analysis program is missing: run npm run build" });
  }
  return new Promise((resolve) => {
    const child = fork(file, [], { execArgv, stdio: ["ignore", "inherit", "inherit", "ipc"] });
    // Analyses yield the CPU to the server's answers.
    try {
      if (child.pid !== undefined) setPriority(child.pid, 10);
    } catch {
      // not allowed here: run at the same priority
    }
    onStart?.(child);
    let result: JobMessage | null = null;
    child.on("message", (m: JobMessage) => {
      if (m.type === "progress") events?.onProgress(m.phase, m.fraction);
      else result = m;
    });
    child.on("error", (err) => {
      result ??= { type: "failed", error: `the analysis could not start: ${err.message}` };
    });
    child.on("exit", (code, signal) => {
      resolve(
        result ?? {
          type: "failed",
          error:
            signal === "SIGKILL"
              ? "the analysis was stopped (out of memory, or killed)"
              : `the analysis stopped unexpectedly (exit code ${code ?? signal})`,
        },
      );
    });
    child.send(job);
  });
}

export interface QueuedJob {
  id: string;
  request: () => JobRequest | null;
}

/** The FIFO of analyses: `run` is called for one at a time. */
export class JobQueue {
  private readonly waiting: QueuedJob[] = [];
  private current: { id: string; child: ChildProcess | null } | null = null;
  private stopped = false;

  constructor(
    private readonly handlers: {
      started(id: string): void;
      progress(id: string, phase: string, fraction: number): void;
      finished(id: string, m: JobMessage): Promise<void>;
    },
  ) {}

  enqueue(job: QueuedJob): void {
    this.waiting.push(job);
    this.next();
  }

  isRunning(id: string): boolean {
    return this.current?.id === id;
  }

  /** Takes a queued job out; false when it is not waiting (running or unknown). */
  cancel(id: string): boolean {
    const k = this.waiting.findIndex((j) => j.id === id);
    if (k < 0) return false;
    this.waiting.splice(k, 1);
    return true;
  }

  /** Stops the running child (server shutdown); queued jobs stay queued in the catalog. */
  stop(): void {
    this.stopped = true;
    this.current?.child?.kill("SIGTERM");
  }

  private next(): void {
    if (this.current || this.stopped) return;
    const job = this.waiting.shift();
    if (!job) return;
    const request = job.request();
    if (!request) {
      void this.handlers
        .finished(job.id, { type: "failed", error: "its input capture is gone" })
        .finally(() => this.next());
      return;
    }
    this.current = { id: job.id, child: null };
    this.handlers.started(job.id);
    const cur = this.current;
    void runChild(
      request,
      { onProgress: (phase, fraction) => this.handlers.progress(job.id, phase, fraction) },
      (child) => {
        cur.child = child;
      },
    )
      .then((m) => (this.stopped ? undefined : this.handlers.finished(job.id, m)))
      .catch(() => undefined)
      .finally(() => {
        this.current = null;
        this.next();
      });
  }
}

/** Detail jobs, one at a time, the same request shared by everyone asking while it runs. */
export class DetailLane {
  private readonly inFlight = new Map<string, Promise<JobMessage>>();
  private tail: Promise<unknown> = Promise.resolve();

  run(key: string, job: JobRequest): Promise<JobMessage> {
    const running = this.inFlight.get(key);
    if (running) return running;
    const p = this.tail.then(() => runChild(job, null));
    this.tail = p.catch(() => undefined);
    this.inFlight.set(key, p);
    void p.finally(() => this.inFlight.delete(key));
    return p;
  }

  /** Waits for the jobs whose key starts with `prefix` (an analysis id and "/"), failed or not. */
  async settle(prefix: string): Promise<void> {
    const pending = [...this.inFlight].filter(([k]) => k.startsWith(prefix)).map(([, p]) => p);
    await Promise.allSettled(pending);
  }
}
