import { LoginForm } from '../../components/LoginForm.tsx';

export default function LoginPage() {
  return (
    <main className="login-page">
      <LoginForm />
    </main>
  );
}
