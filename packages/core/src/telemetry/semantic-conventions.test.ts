import * as semconv from '@opentelemetry/semantic-conventions';
import { describe, expect, it } from 'vitest';
import { HTTP_ATTRIBUTES, HTTP_CLIENT_REQUEST_DURATION } from './semantic-conventions.js';

describe('the HTTP names the client writes', () => {
  it("are the stable entry's of @opentelemetry/semantic-conventions", () => {
    expect(HTTP_ATTRIBUTES).toEqual({
      REQUEST_METHOD: semconv.ATTR_HTTP_REQUEST_METHOD,
      SERVER_ADDRESS: semconv.ATTR_SERVER_ADDRESS,
      SERVER_PORT: semconv.ATTR_SERVER_PORT,
      URL_FULL: semconv.ATTR_URL_FULL,
      RESPONSE_STATUS_CODE: semconv.ATTR_HTTP_RESPONSE_STATUS_CODE,
      ERROR_TYPE: semconv.ATTR_ERROR_TYPE,
      REQUEST_RESEND_COUNT: semconv.ATTR_HTTP_REQUEST_RESEND_COUNT,
    });
    expect(HTTP_CLIENT_REQUEST_DURATION).toBe(semconv.METRIC_HTTP_CLIENT_REQUEST_DURATION);
  });
});
