import { CaptureScreen } from '../../components/CaptureScreen.tsx';

export default function CapturePage() {
  return <CaptureScreen />;
}
