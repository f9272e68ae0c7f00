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
    emptyOutDir: true,
    // One vendor chunk for the libraries, cached across our own releases.
    rolldownOptions: {
      output: {
        advancedChunks: {
          groups: [{ name: 'vendor', test: /node_modules/ }],
        },
      },
    },
  },
  server: { proxy: { '/api': { target: 'http://127.0.0.1:3000', ws: true } } },
});
