/** The inbox page's icon, served as `/inbox/icon.svg`, so the browser asks for no `/favicon.ico`. */
export const INBOX_ICON = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><path fill="#0b6bcb" d="M4 6h24v15H13l-6 5v-5H4z"/></svg>';

/** The inbox page's style sheet, served as `/inbox/inbox.css` (the CSP allows no inline style). */
export const INBOX_CSS = `:root { color-scheme: light dark; --accent: #0b6bcb; --muted: #667085; --line: #d0d5dd; --out: #dcfce7; --in: #eef2ff; }
@media (prefers-color-scheme: dark) { :root { --accent: #6cb4ff; --muted: #98a2b3; --line: #344054; --out: #14532d; --in: #1e1b4b; } }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, sans-serif; }
.top { display: flex; align-items: baseline; gap: 1rem; padding: .6rem 1rem; border-bottom: 1px solid var(--line); }
.top h1 { font-size: 1.1rem; margin: 0; }
#connection { margin: 0; color: var(--muted); }
.layout { display: grid; grid-template-columns: minmax(14rem, 1fr) minmax(20rem, 2fr); grid-template-rows: minmax(18rem, 1fr) auto; gap: 0; min-height: calc(100vh - 3rem); }
.panel { padding: .8rem 1rem; min-width: 0; }
.panel h2 { font-size: .85rem; text-transform: uppercase; letter-spacing: .05em; color: var(--muted); margin: 0 0 .5rem; }
.conversations { border-right: 1px solid var(--line); overflow: auto; }
.requests { grid-column: 1 / -1; border-top: 1px solid var(--line); }
#conversations { list-style: none; margin: 0; padding: 0; }
#conversations button { display: grid; grid-template-columns: 1fr auto; width: 100%; text-align: left; font: inherit; color: inherit; background: none; border: 1px solid transparent; border-radius: 6px; padding: .45rem .6rem; cursor: pointer; }
#conversations button:hover { border-color: var(--line); }
#conversations button[aria-current="true"] { border-color: var(--accent); background: color-mix(in srgb, var(--accent) 10%, transparent); }
.destination { font-weight: 600; }
.channel, .account { grid-column: 1; color: var(--muted); font-size: .85rem; }
.unread { grid-row: 1 / span 2; grid-column: 2; align-self: center; min-width: 1.6rem; text-align: center; border-radius: 999px; padding: 0 .45rem; background: var(--accent); color: Canvas; font-size: .8rem; font-weight: 600; }
.unread.none { background: none; color: var(--muted); font-weight: 400; }
.thread { display: flex; flex-direction: column; min-height: 0; }
#thread-title { margin: 0 0 .5rem; }
#messages { flex: 1; overflow: auto; display: flex; flex-direction: column; gap: .5rem; padding: .25rem; min-height: 10rem; max-height: 55vh; }
.message { max-width: 80%; border-radius: 10px; padding: .45rem .7rem; }
.message.outbound { align-self: flex-end; background: var(--out); }
.message.inbound { align-self: flex-start; background: var(--in); }
.message .text { margin: 0; white-space: pre-wrap; overflow-wrap: anywhere; }
.message .meta, .message .file { margin: .2rem 0 0; font-size: .8rem; color: var(--muted); overflow-wrap: anywhere; }
.reply { display: grid; grid-template-columns: auto 1fr auto; gap: .5rem; align-items: center; margin-top: .6rem; }
.reply input { font: inherit; padding: .4rem .6rem; border: 1px solid var(--line); border-radius: 6px; background: Canvas; color: CanvasText; }
.reply button { font: inherit; padding: .4rem .9rem; border: 0; border-radius: 6px; background: var(--accent); color: Canvas; cursor: pointer; }
.reply button:disabled, .reply input:disabled { opacity: .5; cursor: default; }
.error { grid-column: 1 / -1; margin: 0; color: #d92d20; }
.error:empty { display: none; }
.hint { color: var(--muted); }
.scroll { max-height: 30vh; overflow: auto; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; }
caption { text-align: left; position: absolute; left: -10000px; }
th, td { text-align: left; padding: .25rem .6rem; border-bottom: 1px solid var(--line); white-space: nowrap; }
td.number { font-variant-numeric: tabular-nums; }
tr.failed td { color: #d92d20; }
:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }
`;
