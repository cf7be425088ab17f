/**
 * A local fake of the GitHub REST API for tests that run real processes (the bundled Action, the
 * CLI) against `GITHUB_API_URL`: an HTTP server on 127.0.0.1 with a route table, a log of every
 * request (method, path, query, JSON body, status answered), and 404 + a logged `unknown: true` for
 * any endpoint no route handles, so a test sees exactly which calls were made.
 *
 *   const gh = await FakeGitHub.start();
 *   gh.route("GET", "/repos/:owner/:repo/pulls", (req) => ({ body: [...] }));
 *   ... process.env.GITHUB_API_URL = gh.url ...
 *   expect(gh.log.filter((r) => r.method === "POST")).toEqual([...]);
 *   await gh.stop();
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeRequest {
  method: string;
  /** Decoded path without the query string, e.g. "/repos/o/r/contents/config/pucs_streams.yaml". */
  path: string;
  /** Route parameters (`:name` segments; a trailing `*name` captures the rest of the path). */
  params: Record<string, string>;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON body, or the raw text when it is not JSON, or null when empty. */
  body: unknown;
}

export interface FakeResponse {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type FakeHandler = (req: FakeRequest) => FakeResponse | Promise<FakeResponse>;

export interface LoggedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  status: number;
  /** True when no route matched (answered 404). */
  unknown?: true;
}

interface Route {
  method: string;
  parts: string[];
  handler: FakeHandler;
}

function match(route: Route, method: string, segments: string[]): Record<string, string> | null {
  if (route.method !== method) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < route.parts.length; i++) {
    const part = route.parts[i]!;
    if (part.startsWith("*")) {
      if (i >= segments.length) return null;
      params[part.slice(1)] = segments.slice(i).join("/");
      return params;
    }
    const seg = segments[i];
    if (seg === undefined) return null;
    if (part.startsWith(":")) params[part.slice(1)] = seg;
    else if (part !== seg) return null;
  }
  return segments.length === route.parts.length ? params : null;
}

export class FakeGitHub {
  readonly log: LoggedRequest[] = [];
  private routes: Route[] = [];

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<FakeGitHub> {
    let self: FakeGitHub | null = null;
    const server = createServer((req, res) => void self!.handle(req, res));
    // Node closes idle keep-alive sockets after 5 s; a client reusing one just then gets ECONNRESET
    // (a benchmark that prepares a large ledger between runs hits that window). GitHub keeps them longer.
    server.keepAliveTimeout = 120_000;
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    self = new FakeGitHub(server, `http://127.0.0.1:${port}`);
    return self;
  }

  /** Add a route; later routes win over earlier ones for the same request. Pattern segments:
   *  literal, `:param`, or a final `*rest`. */
  route(method: string, pattern: string, handler: FakeHandler): this {
    this.routes.unshift({ method: method.toUpperCase(), parts: pattern.split("/").filter(Boolean), handler });
    return this;
  }

  /** Requests matching `method` and a path prefix or regex. */
  requests(method?: string, path?: string | RegExp): LoggedRequest[] {
    return this.log.filter((r) => (!method || r.method === method) && (path === undefined || (typeof path === "string" ? r.path.startsWith(path) : path.test(r.path))));
  }

  clearLog(): void {
    this.log.length = 0;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    let body: unknown = null;
    if (text !== "") {
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
    }
    const url = new URL(req.url ?? "/", this.url);
    const segments = url.pathname.split("/").filter(Boolean).map((s) => decodeURIComponent(s));
    const path = "/" + segments.join("/");
    const query = Object.fromEntries(url.searchParams.entries());
    const method = (req.method ?? "GET").toUpperCase();
    let answer: FakeResponse;
    let unknown = false;
    const route = this.routes.map((r) => ({ r, params: match(r, method, segments) })).find((x) => x.params !== null);
    if (!route) {
      unknown = true;
      answer = { status: 404, body: { message: "Not Found", documentation_url: "https://docs.github.com/rest" } };
    } else {
      try {
        answer = await route.r.handler({ method, path, params: route.params!, query, headers: req.headers, body });
      } catch (e) {
        answer = { status: 500, body: { message: `fake GitHub handler failed: ${(e as Error).message}` } };
      }
    }
    const status = answer.status ?? 200;
    const entry: LoggedRequest = { method, path, query, body, status };
    if (unknown) entry.unknown = true;
    this.log.push(entry);
    const headers: Record<string, string> = { "content-type": "application/json; charset=utf-8", ...answer.headers };
    res.writeHead(status, headers);
    res.end(answer.body === undefined ? "" : typeof answer.body === "string" ? answer.body : JSON.stringify(answer.body));
  }
}
