/** The slice of autocannon's programmatic API the benchmarks use (the package ships no typings). */
declare module 'autocannon' {
  namespace autocannon {
    interface Options {
      url: string;
      connections?: number;
      duration?: number;
      amount?: number;
      method?: 'GET' | 'POST';
      body?: string;
      headers?: Record<string, string>;
      pipelining?: number;
      timeout?: number;
      /** Called before each request of a connection; what it returns is sent instead. */
      requests?: Array<{ method?: 'GET' | 'POST'; setupRequest?: (request: Request) => Request }>;
    }
    interface Request {
      method?: string;
      path?: string;
      body?: string;
      headers?: Record<string, string>;
    }
    interface Stats {
      average: number;
      mean: number;
      stddev: number;
      min: number;
      max: number;
      total: number;
      p50: number;
      p90: number;
      p99: number;
    }
    interface Result {
      requests: Stats;
      latency: Stats;
      throughput: Stats;
      duration: number;
      errors: number;
      timeouts: number;
      non2xx: number;
      '2xx': number;
    }
  }
  function autocannon(options: autocannon.Options): Promise<autocannon.Result>;
  export = autocannon;
}
