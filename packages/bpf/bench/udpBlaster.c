// Bounded UDP sender for the capture benchmark: `udpBlaster DST PORT RATE SECONDS SIZE` sends at most RATE*SECONDS
// datagrams, paced per millisecond, then prints how many it sent. Runs inside a network namespace the bench created.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
  if (argc != 6) return 2;
  long rate = atol(argv[3]);
  double seconds = atof(argv[4]);
  int size = atoi(argv[5]);
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in dst = {.sin_family = AF_INET, .sin_port = htons(atoi(argv[2]))};
  inet_pton(AF_INET, argv[1], &dst.sin_addr);
  connect(fd, (struct sockaddr *)&dst, sizeof dst);
  static char buf[65536];
  memset(buf, 'x', sizeof buf);
  long total = (long)(rate * seconds), sent = 0;
  double t0 = now();
  while (sent < total) {
    double elapsed = now() - t0;
    if (elapsed > seconds + 1) break;
    long due = (long)(elapsed * rate) + 1;
    if (due > total) due = total;
    if (sent >= due) {
      struct timespec pause = {0, 100000};
      nanosleep(&pause, NULL);
      continue;
    }
    while (sent < due) {
      if (send(fd, buf, size, 0) < 0) break;
      sent++;
    }
  }
  printf("%ld %.3f\n", sent, now() - t0);
  return 0;
}
