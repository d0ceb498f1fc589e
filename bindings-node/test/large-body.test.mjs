// A request larger than the socket takes at once: on the event loop, the call waits for the
// socket to be writable again (its epoll watch for writing), and the processor gets every byte.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';

import * as cs from 'connector-service';

test('a body of megabytes is written through writable waits, every byte of it', async () => {
  const sockets = new Set();
  let received = 0;
  let expected = -1;
  const server = net.createServer((socket) => {
    sockets.add(socket);
    let head = '';
    // Nothing is read for a while: the client's socket buffer fills and its writes would block.
    socket.pause();
    setTimeout(() => socket.resume(), 300);
    socket.on('data', (chunk) => {
      received += chunk.length;
      if (expected < 0) {
        head += chunk.toString('latin1');
        const length = /content-length: (\d+)/i.exec(head);
        const end = head.indexOf('\r\n\r\n');
        if (length && end >= 0) expected = end + 4 + Number(length[1]);
      }
      if (expected >= 0 && received >= expected) {
        socket.end('HTTP/1.1 500 Internal Server Error\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}');
      }
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const client = new cs.Client({
      connector: { type: 'adyen', apiKey: 'test-key-value', merchantAccount: 'TestMerchant' },
      baseUrl: `http://127.0.0.1:${server.address().port}`,
      transport: { retry: { enabled: false }, timeoutMs: 20000 },
    });
    const content = new Uint8Array(6 * 1024 * 1024).fill(0x41);
    const call = client.disputes.submitEvidence({
      connectorDisputeId: 'DISPUTE-LARGE-1',
      documents: [{ evidenceType: 'receipt', content, mimeType: 'application/pdf' }],
    });
    // The processor's 500 is the call's answer: the whole request reached it first.
    await assert.rejects(call, (e) => e instanceof cs.ProcessorUnavailableError && e.httpStatus === 500);
    assert.ok(expected > content.length, `a request of ${expected} bytes`);
    assert.equal(received, expected);
  } finally {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  }
});
