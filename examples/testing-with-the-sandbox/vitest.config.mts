// vitest's defaults: this example runs on its own, as in a project of yours.
import { defineConfig } from 'vitest/config';

export default defineConfig({});
