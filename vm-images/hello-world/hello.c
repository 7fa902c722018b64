/* The course's hello-world: a static program that says what just happened, like Docker Hub's. */
#include <unistd.h>

static const char message[] =
    "\n"
    "Hello from Docker!\n"
    "This message shows that your installation appears to be working correctly.\n"
    "\n"
    "(This hello-world is the course's own image: a small static C program built\n"
    "from Debian's gcc and libc6-dev and served by the course registry. Docker Hub's\n"
    "hello-world prints a message much like this one.)\n"
    "\n"
    "To generate this message, Docker took the following steps:\n"
    " 1. The Docker client contacted the Docker daemon.\n"
    " 2. The Docker daemon pulled the \"hello-world\" image from a registry\n"
    "    (here, the course registry standing in for Docker Hub).\n"
    " 3. The Docker daemon created a new container from that image which runs the\n"
    "    executable that produced the output you are currently reading.\n"
    " 4. The Docker daemon streamed that output to the Docker client, which sent it\n"
    "    to your terminal.\n"
    "\n"
    "To try something more ambitious, you can run a Debian container with:\n"
    " $ docker run -it debian bash\n"
    "\n"
    "For more examples and ideas, see the course notes.\n"
    "\n";

int main(void) {
  const char *p = message;
  size_t left = sizeof message - 1;
  while (left > 0) {
    ssize_t n = write(1, p, left);
    if (n <= 0) return 1;
    p += n;
    left -= (size_t)n;
  }
  return 0;
}
