import { UsersScreen } from '../../components/UsersScreen.tsx';

export default function UsersPage() {
  return <UsersScreen />;
}
