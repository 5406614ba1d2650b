// The official MCP TypeScript SDK as an independent client of Zen's Streamable HTTP endpoint.
// Usage: node ts-client.mjs URL TOKEN SLOW_MODEL
// Prints one JSON object with what it saw; ZenMcpServerHttpIT checks it. Exits 1 on any failure.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

const [url, token, slowModel] = process.argv.slice(2);
const report = {};

function connect(bearer) {
  const transport = new StreamableHTTPClientTransport(new URL(url), {
    requestInit: { headers: bearer ? { Authorization: `Bearer ${bearer}` } : {} },
  });
  const client = new Client({ name: "ts-sdk-test", version: "1.0.0" });
  return { client, transport };
}

try {
  const { client, transport } = connect(token);
  await client.connect(transport);
  report.protocolVersion = transport.protocolVersion ?? null;
  report.sessionId = transport.sessionId ? "present" : "absent";
  report.server = client.getServerVersion()?.name;
  const tools = await client.listTools();
  report.tools = tools.tools.map((tool) => tool.name);

  const progress = [];
  const first = await client.callTool(
    { name: "chat", arguments: { prompt: "Hello from TypeScript", model: "gpt-5" } },
    undefined,
    { onprogress: (p) => progress.push(p.progress) },
  );
  report.firstIsError = first.isError ?? false;
  report.firstText = first.content?.[0]?.text ?? "";
  report.progressEvents = progress.length;
  const thread = first.structuredContent?.continuation_id;
  const second = await client.callTool({
    name: "chat",
    arguments: { prompt: "And again", model: "gpt-5", continuation_id: thread },
  });
  report.continued = !(second.isError ?? false) && second.structuredContent?.continuation_id === thread;

  const controller = new AbortController();
  const slow = client.callTool(
    { name: "chat", arguments: { prompt: "Take your time", model: slowModel } },
    undefined,
    { signal: controller.signal },
  );
  setTimeout(() => controller.abort("the test cancels"), 1500);
  try {
    await slow;
    report.cancelled = false;
  } catch (error) {
    report.cancelled = true;
  }
  await transport.terminateSession();
  await client.close();

  const { client: stranger, transport: noToken } = connect("wrong-token-0123456789");
  try {
    await stranger.connect(noToken);
    report.wrongToken = "accepted";
  } catch (error) {
    report.wrongToken = String(error?.code ?? error?.message ?? error);
  }
  console.log(JSON.stringify(report));
} catch (error) {
  report.error = String(error?.stack ?? error);
  console.log(JSON.stringify(report));
  process.exit(1);
}
