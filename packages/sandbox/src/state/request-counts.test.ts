import { describe, expect, it } from 'vitest';
import { OTHER_METHOD, RequestCounts } from './request-counts.js';
import { RETAINED_EVENTS } from './event-log.js';
import { Journal } from './journal.js';

describe('RequestCounts', () => {
  it('counts by method, narrowed by flavour, status, code or chaos fault', () => {
    const counts = new RequestCounts();
    counts.add({ flavour: 'post', method: 'getchats', status: 200 });
    counts.add({ flavour: 'post', method: 'getchats', status: 200 });
    counts.add({ flavour: 'soap', method: 'getchats', status: 503, chaos: 'status 503' });
    counts.add({
      flavour: 'post',
      method: 'getunreadmessages',
      status: 200,
      code: 'CHAT_NOT_FOUND',
    });
    expect(counts.byMethod()).toEqual({ getchats: 3, getunreadmessages: 1 });
    expect(counts.byMethod({ flavour: 'post' })).toEqual({ getchats: 2, getunreadmessages: 1 });
    expect(counts.byMethod({ status: 503 })).toEqual({ getchats: 1 });
    expect(counts.byMethod({ status: '200', code: 'CHAT_NOT_FOUND' })).toEqual({
      getunreadmessages: 1,
    });
    expect(counts.byMethod({ chaos: 'status 503' })).toEqual({ getchats: 1 });
    counts.clear();
    expect(counts.byMethod()).toEqual({});
  });

  it('counts names the API does not have under one name, so that callers cannot grow it', () => {
    const counts = new RequestCounts();
    for (let i = 0; i < 100; i++)
      counts.add({ flavour: 'get', method: `made-up-${i}`, status: 200, code: 'INCORRECT_METHOD' });
    counts.add({ flavour: 'get', method: '', status: 200, code: 'MISSING_METHOD' });
    counts.add({ flavour: 'json-oauth', method: 'token', status: 200 });
    expect(counts.byMethod()).toEqual({ [OTHER_METHOD]: 100, '': 1, token: 1 });
    expect(counts.byMethod({ method: 'made-up-1' })).toEqual({});
  });
});

describe('Journal request log', () => {
  it('keeps the latest requests but counts them all, and clears both without a reset', () => {
    const journal = new Journal();
    const total = RETAINED_EVENTS * 2 + 7;
    for (let i = 0; i < total; i++)
      journal.requestAnswered({ flavour: 'post', method: 'getchats', status: 200, durationMs: i });
    const kept = journal.requests();
    expect(kept).toHaveLength(RETAINED_EVENTS);
    expect(kept[0]?.durationMs).toBe(total - RETAINED_EVENTS);
    expect(kept.at(-1)?.durationMs).toBe(total - 1);
    expect(journal.requestCounts()).toEqual({ getchats: total });
    const lastEvent = journal.events.since(0).at(-1)?.data.id;
    journal.clearRequests();
    expect(journal.requests()).toEqual([]);
    expect(journal.requestCounts()).toEqual({});
    // The event stream is the page's history: clearing the counts publishes nothing.
    expect(journal.events.since(0).at(-1)?.data.id).toBe(lastEvent);
  });
});
