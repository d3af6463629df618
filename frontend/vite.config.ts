/// <reference types="vitest/config" />
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// `npm run dev` serves the app with hot reload and proxies the API to `make run`'s server
// (/graphql's WebSocket as well: the grid's live subscription).
const api = process.env.CAPGRAPH_API ?? "http://127.0.0.1:8000";

export default defineConfig({
  plugins: [react()],
  server: {
    port: 5173,
    proxy: Object.fromEntries(
      ["/graphql", "/auth", "/admin", "/static", "/exports"].map((p) => [
        p,
        { target: api, ws: p === "/graphql" },
      ]),
    ),
  },
  build: { outDir: "dist", assetsDir: "assets", sourcemap: true },
  test: { environment: "node", include: ["src/**/*.test.{ts,tsx}"] },
});
