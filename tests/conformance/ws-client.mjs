// Follows a consultation's progress with the reference `graphql-ws` client (graphql-transport-ws
// protocol) and prints one JSON line per event, then a final {"done": …} line.
//   node ws-client.mjs WS_URL TOKEN CONSULTATION_ID [AFTER_SEQ]
// With TOKEN "-" it connects with a bad token and prints the close code it got.
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const [url, token, consultationId, afterSeq = '0'] = process.argv.slice(2);
const print = (value) => process.stdout.write(`${JSON.stringify(value)}\n`);
let closeCode = null;

const client = createClient({
  url,
  webSocketImpl: WebSocket,
  lazy: true,
  retryAttempts: 0,
  connectionParams: { authorization: token === '-' ? 'Bearer not-a-token' : `Bearer ${token}` },
  on: { closed: (event) => { closeCode = event?.code ?? null; } },
});

const query = `subscription($id: ID!, $after: Int!) {
  analysisProgress(consultationId: $id, afterSeq: $after) { seq stage percent message }
}`;

try {
  const events = client.iterate({ query, variables: { id: consultationId, after: Number(afterSeq) } });
  for await (const result of events) {
    if (result.errors) {
      print({ errors: result.errors });
    } else {
      print(result.data.analysisProgress);
    }
  }
  print({ done: 'complete', closeCode });
} catch (error) {
  print({ done: 'error', closeCode: error?.code ?? closeCode, reason: String(error?.reason ?? error) });
} finally {
  await client.dispose();
}
