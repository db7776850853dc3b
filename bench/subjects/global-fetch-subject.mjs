/** Global `fetch` (Node's bundled undici) sending the same bytes a transport sends. */

export async function setup({ captured }) {
  const prepared = {};
  for (const [method, wire] of Object.entries(captured)) {
    prepared[method] = {
      url: wire.url,
      init: {
        method: wire.method,
        headers: wire.headers,
        body: wire.body === undefined ? undefined : Buffer.from(wire.body, 'utf8'),
      },
    };
  }
  return {
    async call(method) {
      const { url, init } = prepared[method];
      const response = await fetch(url, init);
      return response.text();
    },
    close: async () => undefined,
  };
}
