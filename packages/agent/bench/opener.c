/* Bench workload: open+close a file at a target rate (0 = as fast as possible) for a bounded time.
 * With SPIN > 0 it runs flat out instead, doing SPIN rounds of arithmetic before each open: a busy process whose
 * natural rate is some number of opens per second, the workload whose slowdown at that rate the bench reports.
 * Prints ops done, the process's own CPU time and, where the CPU's counters are available, its own
 * instructions and cycles (user + kernel): the tracer's per-event cost without the scheduling noise
 * of a busy 2-core machine (instructions do not depend on what else runs). */
#include <fcntl.h>
#include <linux/perf_event.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

static int counter(unsigned long long config) {
  struct perf_event_attr a;
  memset(&a, 0, sizeof(a));
  a.size = sizeof(a);
  a.type = PERF_TYPE_HARDWARE;
  a.config = config;
  a.disabled = 1;
  a.exclude_hv = 1;
  return (int)syscall(SYS_perf_event_open, &a, 0, -1, -1, 0);
}

static long long readCounter(int fd) {
  long long v = 0;
  if (fd < 0 || read(fd, &v, sizeof(v)) != sizeof(v)) return 0;
  return v;
}

static unsigned long long sink = 1;

/* SPIN rounds of xorshift: user-mode work the compiler cannot drop. */
static void spin(long rounds) {
  unsigned long long x = sink;
  for (long i = 0; i < rounds; i++) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
  }
  sink = x;
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: opener RATE SECONDS PATH [SPIN]\n");
    return 2;
  }
  double rate = atof(argv[1]), seconds = atof(argv[2]);
  const char *path = argv[3];
  long rounds = argc > 4 ? atol(argv[4]) : 0;
  if (rounds > 0) rate = 0;
  const long max_ops = 100000000L; /* bound in count as well as time */
  long ops = 0;
  int instrFd = counter(PERF_COUNT_HW_INSTRUCTIONS), cyclesFd = counter(PERF_COUNT_HW_CPU_CYCLES);
  if (instrFd >= 0) ioctl(instrFd, PERF_EVENT_IOC_ENABLE, 0);
  if (cyclesFd >= 0) ioctl(cyclesFd, PERF_EVENT_IOC_ENABLE, 0);
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
      if (rounds > 0) spin(rounds);
      int fd = open(path, O_RDONLY);
      if (fd >= 0) close(fd);
    }
  }
  long long instructions = readCounter(instrFd), cycles = readCounter(cyclesFd);
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  double cpu = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
  if (sink == 0) fprintf(stderr, "\n"); /* keeps the spins observable */
  printf("{\"ops\":%ld,\"seconds\":%.6f,\"cpu\":%.6f,\"instructions\":%lld,\"cycles\":%lld}\n", ops, now() - start, cpu, instructions, cycles);
  return 0;
}
