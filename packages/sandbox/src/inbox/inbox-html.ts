/**
 * The inbox page's markup (SPEC §12). Static: every dynamic part is filled in by the page's
 * script through `textContent`, never as HTML. The accessible names here are the ones tests and
 * assistive technology rely on.
 */
export const INBOX_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Afilnet sandbox inbox</title>
<link rel="icon" href="/inbox/icon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/inbox/inbox.css">
<script type="module" src="/inbox/inbox.js"></script>
</head>
<body>
<header class="top">
  <h1>Afilnet sandbox inbox</h1>
  <p id="connection" role="status">Connecting…</p>
</header>
<main class="layout">
  <nav class="panel conversations" aria-labelledby="conversations-heading">
    <h2 id="conversations-heading">Conversations</h2>
    <ul id="conversations" aria-label="Conversations"></ul>
    <p id="no-conversations" class="hint">No conversation yet. Send a message through the SDK, or post one to <code>/__sandbox/inbound</code>.</p>
  </nav>
  <section class="panel thread" aria-labelledby="thread-heading">
    <h2 id="thread-heading">Messages</h2>
    <p id="thread-title" class="hint">Choose a conversation.</p>
    <div id="messages" role="log" aria-label="Messages" tabindex="0"></div>
    <form id="reply" class="reply">
      <label for="reply-text">Reply as contact</label>
      <input id="reply-text" name="message" type="text" autocomplete="off" required disabled>
      <button type="submit" disabled>Send reply</button>
      <p id="reply-error" class="error" role="alert"></p>
    </form>
  </section>
  <section class="panel requests" aria-labelledby="requests-heading">
    <h2 id="requests-heading">API calls</h2>
    <div class="scroll">
      <table id="requests">
        <caption>Requests</caption>
        <thead><tr><th scope="col">Flavour</th><th scope="col">Method</th><th scope="col">Status</th><th scope="col">Code</th><th scope="col">Duration</th><th scope="col">Trace</th></tr></thead>
        <tbody></tbody>
      </table>
    </div>
  </section>
</main>
</body>
</html>
`;
