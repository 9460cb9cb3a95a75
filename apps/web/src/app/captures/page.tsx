import { CapturesScreen } from '../../components/CapturesScreen.tsx';

export default function CapturesPage() {
  return <CapturesScreen />;
}
