import { MainScreen } from '../components/MainScreen.tsx';

export default function HomePage() {
  return <MainScreen />;
}
