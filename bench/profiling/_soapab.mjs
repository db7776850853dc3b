import { CANNED } from '../responder/canned-bodies.mjs';
const body = CANNED.soapChannels.body.toString();
const files = process.argv.slice(2);
const readers = await Promise.all(files.map(async (f) => (await import(f)).createXmlReader()));
const best = files.map(() => Infinity);
for (let round = 0; round < 15; round++) {
  readers.forEach((r, k) => {
    let x = 0;
    const t = process.hrtime.bigint();
    for (let i = 0; i < 200_000; i++) x += r.read(body).children.length;
    const us = Number(process.hrtime.bigint() - t) / 200_000 / 1000;
    best[k] = Math.min(best[k], us);
  });
}
files.forEach((f, k) => console.log(best[k].toFixed(3), 'µs', f));
