// Built with `vite build src/web` (root = this folder); the API server serves dist/ at `/`.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // The CSP forbids inline scripts and data: fonts; keep every asset a file.
    assetsInlineLimit: 0,
  },
});
