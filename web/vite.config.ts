import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Built into web/dist and served by `switchboard start` from the API's origin,
// so the app needs no CORS and the session cookie (SameSite=Strict) just works.
export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    // The vendor chunk is one file on purpose (see below); bench:web holds it to the budget.
    chunkSizeWarningLimit: 1500,
    emptyOutDir: true,
    // One vendor chunk for the libraries, cached across our own releases.
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [{ name: 'vendor', test: /node_modules/ }],
        },
      },
    },
  },
  server: { proxy: { '/api': { target: 'http://127.0.0.1:3000', ws: true } } },
});
