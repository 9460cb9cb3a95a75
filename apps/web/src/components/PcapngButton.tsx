'use client';

import { useState } from 'react';
import { errorEnvelopeOf } from '../lib/hubClient.ts';
import { captureLiveRun, downloadUrl, pcapngUrl } from '../lib/pcapngDownload.ts';

type Source = { kind: 'run'; runId: string } | { kind: 'capture'; captureId: string };

/**
 * "Download .pcapng": a saved packet capture downloads at once; a live packet run is first recorded from
 * its start into a capture (listed on the captures page), which is then downloaded.
 */
export function PcapngButton({ source }: { source: Source }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const click = async () => {
    setError(null);
    if (source.kind === 'capture') {
      downloadUrl(pcapngUrl(source.captureId));
      return;
    }
    setBusy(true);
    try {
      const capture = await captureLiveRun(source.runId);
      downloadUrl(pcapngUrl(capture.id));
    } catch (err) {
      setError(errorEnvelopeOf(err).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <span className="pcapng-download">
      <button
        type="button"
        className="btn btn-small"
        data-testid="pcapng-download"
        disabled={busy}
        aria-busy={busy}
        onClick={() => void click()}
        title={source.kind === 'run' ? 'Record this run from its start into a capture and download it as pcap-ng (tcpdump -r, Wireshark)' : 'Download the packets as pcap-ng (tcpdump -r, Wireshark)'}
      >
        {busy ? 'Preparing .pcapng…' : '⬇ Download .pcapng'}
      </button>
      {error !== null && (
        <span className="error-text" role="alert" data-testid="pcapng-error">
          {error}
        </span>
      )}
    </span>
  );
}
