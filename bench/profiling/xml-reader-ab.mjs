/**
 * `node bench/profiling/xml-reader-ab.mjs FILE [FILE…]`: the XML reader's time per read of the
 * bench's SOAP channel list (653 characters, 26 elements), for each built reader given (a
 * `create-xml-reader.js` from `packages/soap-xml/dist`, this build's or a copy of an earlier
 * one's), measured in one process in alternating rounds; prints the best round of each, in µs per
 * read. Give the files in both orders across two runs: the first measured can read slower.
 */
import { CANNED } from '../responder/canned-bodies.mjs';

const ROUNDS = 15;
const READS = 200_000;
const body = CANNED.soapChannels.body.toString();
const files = process.argv.slice(2);
if (files.length === 0) throw new Error('give one or more create-xml-reader.js files');
const readers = await Promise.all(files.map(async (f) => (await import(f)).createXmlReader()));
const best = files.map(() => Number.POSITIVE_INFINITY);
let sink = 0;
for (let round = 0; round < ROUNDS; round++) {
  readers.forEach((reader, k) => {
    const start = process.hrtime.bigint();
    for (let i = 0; i < READS; i++) sink += reader.read(body).children.length;
    best[k] = Math.min(best[k], Number(process.hrtime.bigint() - start) / READS / 1000);
  });
}
for (const [k, file] of files.entries()) console.log(`${best[k].toFixed(3)} µs  ${file}`);
if (sink === 0) console.log('(no element read)');
