/**
 * Octokit plugin: successful answers parsed with the platform's JSON.parse.
 *
 * @octokit/request parses every JSON answer with json-with-bigint, which on Node 20 (no JSON.parse
 * source access) first rewrites the whole text with regular expressions and then revives every value:
 * about 4× the work of JSON.parse. The App reads the whole ledger in every event's first answer, so
 * that was 7% of its time per event, growing with the ledger. No field PUCS reads holds an integer
 * beyond 2^53 (GitHub's ids are around 10^10 today), so plain numbers lose nothing.
 *
 * The request asks for the raw body (`request.parseSuccessResponseBody: false`) and this decodes it
 * the way @octokit/request would: JSON by content type (a body that is not valid JSON stays text),
 * other text as text, anything else as an ArrayBuffer. Errors (≥ 400) are parsed by Octokit as before.
 * A caller that asked for the raw body itself gets it untouched. Plugins registered after this one
 * (the retry plugin) see the parsed data.
 */
type Options = Record<string, unknown> & { request?: Record<string, unknown> };
type Response = { data?: unknown; headers?: Record<string, unknown> };
type RequestFn = (options: Options) => Promise<Response>;
interface Hookable {
  hook: { wrap(name: "request", fn: (request: RequestFn, options: Options) => Promise<Response>): void };
}

function isStream(x: unknown): x is ReadableStream {
  return typeof x === "object" && x !== null && typeof (x as ReadableStream).getReader === "function";
}

/** Decode a raw body as @octokit/request's getResponseData does, with JSON.parse for JSON. */
export async function decodeBody(body: ReadableStream, contentType: string | undefined): Promise<unknown> {
  const response = new globalThis.Response(body);
  if (!contentType) return response.text().catch(() => "");
  const [type = "", ...params] = contentType.toLowerCase().split(";").map((s) => s.trim());
  if (type === "application/json" || type === "application/scim+json") {
    const text = await response.text();
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  const utf8 = params.some((p) => p.replace(/\s/g, "") === "charset=utf-8" || p.replace(/\s/g, "") === 'charset="utf-8"');
  if (type.startsWith("text/") || (utf8 && type !== "application/octet-stream")) return response.text().catch(() => "");
  return response.arrayBuffer().catch(() => new ArrayBuffer(0));
}

/** Requests whose raw body this plugin asked for (a retry passes the same options again). */
const asked = new WeakSet<object>();

export function nativeJson(octokit: unknown): Record<string, never> {
  (octokit as Hookable).hook.wrap("request", async (request, options) => {
    if (options.request?.parseSuccessResponseBody === false && !asked.has(options)) return request(options);
    // In place: Octokit's hooks hand the inner ones the options object they were called with, not
    // the argument of `request(...)`.
    options.request = { ...(options.request ?? {}), parseSuccessResponseBody: false };
    asked.add(options);
    const r = await request(options);
    if (isStream(r.data)) r.data = await decodeBody(r.data, typeof r.headers?.["content-type"] === "string" ? r.headers["content-type"] : undefined);
    return r;
  });
  return {};
}
