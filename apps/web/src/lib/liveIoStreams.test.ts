import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { LiveIoStreams } from '../components/LiveIoStreams.tsx';
import { LiveRunFeed } from './liveRun.ts';

function render(canUnmask: boolean, unmasked: boolean): string {
  const noop = () => undefined;
  return renderToStaticMarkup(
    createElement(LiveIoStreams, { feed: new LiveRunFeed({ capacity: 10 }), predicate: null, selected: undefined, onSelect: noop, onRawEvents: noop, canUnmask, unmasked, onUnmaskChange: noop }),
  );
}

describe('LiveIoStreams (server-rendered)', () => {
  it('offers the audited unmask only to users with the permission, and shows its state', () => {
    expect(render(false, false)).not.toContain('data-testid="io-unmask"');
    const offered = render(true, false);
    expect(offered).toContain('data-testid="io-unmask"');
    expect(offered).not.toMatch(/data-testid="io-unmask"[^>]*checked/);
    expect(render(true, true)).toMatch(/<input type="checkbox" data-testid="io-unmask" checked=""/);
  });
});
