/* Bench workload: open+close a file at a target rate (0 = as fast as possible) for a bounded time.
 * Prints ops done and the process's own CPU time, so a traced run's slowdown can be measured. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: opener RATE SECONDS PATH\n");
    return 2;
  }
  double rate = atof(argv[1]), seconds = atof(argv[2]);
  const char *path = argv[3];
  const long max_ops = 100000000L; /* bound in count as well as time */
  long ops = 0;
  double start = now(), end = start + seconds;
  for (;;) {
    double t = now();
    if (t >= end || ops >= max_ops) break;
    long due = rate > 0 ? (long)((t - start) * rate) + 1 : ops + 256;
    if (ops >= due) {
      struct timespec pause = {0, 200000}; /* 0.2 ms */
      nanosleep(&pause, NULL);
      continue;
    }
    for (; ops < due && ops < max_ops; ops++) {
      int fd = open(path, O_RDONLY);
      if (fd >= 0) close(fd);
    }
  }
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  double cpu = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
  printf("{\"ops\":%ld,\"seconds\":%.6f,\"cpu\":%.6f}\n", ops, now() - start, cpu);
  return 0;
}
