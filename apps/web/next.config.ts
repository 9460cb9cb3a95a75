import type { NextConfig } from 'next';
import { PHASE_DEVELOPMENT_SERVER } from 'next/constants.js';

// The hub serves the static export on its own origin; `next dev` proxies API and WebSocket calls to it instead.
const hubOrigin = process.env.PODSCOPE_HUB_ORIGIN ?? 'http://127.0.0.1:7070';

export default function nextConfig(phase: string): NextConfig {
  const base: NextConfig = {
    transpilePackages: ['@podscope/protocol'],
    images: { unoptimized: true },
    reactStrictMode: true,
  };
  if (phase === PHASE_DEVELOPMENT_SERVER) {
    return {
      ...base,
      rewrites: async () => [
        { source: '/api/:path*', destination: `${hubOrigin}/api/:path*` },
        { source: '/ws', destination: `${hubOrigin}/ws` },
      ],
    };
  }
  return { ...base, output: 'export' };
}
