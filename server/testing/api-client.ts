// Talks to a running server over HTTP the way a browser or a script does.
export class ApiClient {
  cookie = "";
  token = "";
  constructor(readonly baseUrl: string) {}

  private headers(mutation: boolean): Record<string, string> {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    else if (this.cookie) {
      headers.cookie = this.cookie;
      if (mutation) headers.origin = this.baseUrl;
    }
    return headers;
  }

  async query<T>(path: string, input?: unknown): Promise<T> {
    const qs = input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify(input))}`;
    const res = await fetch(`${this.baseUrl}/api/trpc/${path}${qs}`, { headers: this.headers(false) });
    return this.unwrap<T>(res, path);
  }

  async mutate<T>(path: string, input?: unknown): Promise<T> {
    const res = await fetch(`${this.baseUrl}/api/trpc/${path}`, {
      method: "POST",
      headers: this.headers(true),
      body: JSON.stringify(input ?? null),
    });
    const setCookie = res.headers.get("set-cookie");
    if (setCookie) this.cookie = setCookie.split(";")[0]!;
    return this.unwrap<T>(res, path);
  }

  private async unwrap<T>(res: Response, path: string): Promise<T> {
    const body = (await res.json()) as { result?: { data: T }; error?: { message: string } };
    if (!res.ok || !body.result) throw new Error(`${path}: ${res.status} ${body.error?.message ?? ""}`);
    return body.result.data;
  }
}
