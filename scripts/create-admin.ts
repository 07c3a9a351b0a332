import 'reflect-metadata';
import { createAdminCli } from '@app/auth';
import { AppModule } from '../apps/api/src/app.module';

// npm run user:create-admin -- --email admin@example.com [--promote-existing]; the password comes on stdin or in
// AUTH_ADMIN_PASSWORD (a --password argument is refused: it would show in ps and the shell history).
createAdminCli(AppModule, process.argv.slice(2)).then(
  (line) => {
    console.log(line);
    process.exit(0);
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
